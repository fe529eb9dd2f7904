package access

// The controlled vocabularies. Each is a string type whose values are stable
// codes: they appear in URLs, CSV, JSON and metric labels, and are turned into
// words by internal/i18n.

// EventType says what happened.
type EventType string

// Event types.
const (
	EventPresenceRecorded       EventType = "presence_recorded"
	EventOrderToLeaveIssued     EventType = "order_to_leave_issued"
	EventAuthorisationWithdrawn EventType = "authorisation_withdrawn"
	EventSuspensionOrdered      EventType = "suspension_ordered"
	EventSelfSuspension         EventType = "self_suspension"
	EventRestrictionImposed     EventType = "restriction_imposed"
	EventOfficesClosed          EventType = "offices_closed"
	EventStaffDeparted          EventType = "staff_departed"
	EventStaffDetained          EventType = "staff_detained"
	EventStaffReleased          EventType = "staff_released"
	EventPublicAccusation       EventType = "public_accusation"
	EventOrganisationStatement  EventType = "organisation_statement"
	EventResumptionAuthorised   EventType = "resumption_authorised"
	EventOperationsResumed      EventType = "operations_resumed"
	EventClassBanAnnounced      EventType = "class_ban_announced"
	EventRegistrationDenied     EventType = "registration_denied" // denied or not renewed
	EventPermitsDenied          EventType = "permits_denied"      // visas, work or travel permits denied
	EventMovementRefused        EventType = "movement_refused"    // a movement authorisation refused
	EventAssetsSeized           EventType = "assets_seized"
	EventStaffKilledInjured     EventType = "staff_killed_or_injured"
	EventReviewed               EventType = "reviewed"
	EventCorrection             EventType = "correction"
	EventOther                  EventType = "other"
)

// EventTypes lists every event type, roughly in the order a case unfolds.
var EventTypes = []EventType{
	EventPresenceRecorded, EventOrderToLeaveIssued, EventAuthorisationWithdrawn,
	EventSuspensionOrdered, EventSelfSuspension, EventRestrictionImposed,
	EventOfficesClosed, EventStaffDeparted, EventStaffDetained, EventStaffReleased,
	EventPublicAccusation, EventOrganisationStatement, EventResumptionAuthorised,
	EventOperationsResumed, EventClassBanAnnounced, EventRegistrationDenied, EventPermitsDenied,
	EventMovementRefused, EventAssetsSeized, EventStaffKilledInjured, EventReviewed, EventCorrection,
	EventOther,
}

// Valid reports whether t is one of EventTypes.
func (t EventType) Valid() bool { return member(t, EventTypes) }

// InitiatedBy says who took the step an event records.
type InitiatedBy string

// Initiators.
const (
	InitiatedByAuthority    InitiatedBy = "authority"
	InitiatedByDeFacto      InitiatedBy = "de_facto_authority" // authorities in control without recognised standing
	InitiatedByOrganisation InitiatedBy = "organisation"
	InitiatedByArmedGroup   InitiatedBy = "armed_group"
	InitiatedByOther        InitiatedBy = "other"
)

// Initiators lists every initiator.
var Initiators = []InitiatedBy{InitiatedByAuthority, InitiatedByDeFacto, InitiatedByOrganisation, InitiatedByArmedGroup, InitiatedByOther}

// Valid reports whether i is one of Initiators.
func (i InitiatedBy) Valid() bool { return member(i, Initiators) }

// Authority reports whether i is an authority, recognised or de facto:
// a measure it imposes is a measure against the organisation.
func (i InitiatedBy) Authority() bool { return i == InitiatedByAuthority || i == InitiatedByDeFacto }

// Authorities lists the initiators for which Authority holds.
var Authorities = []InitiatedBy{InitiatedByAuthority, InitiatedByDeFacto}

// OrgType classifies organisations with OCHA's 3W organisation types.
type OrgType string

// Organisation types.
const (
	OrgINGO          OrgType = "ingo"
	OrgNationalNGO   OrgType = "national_ngo"
	OrgUN            OrgType = "un_agency"
	OrgRedCross      OrgType = "red_cross_red_crescent"
	OrgGovernment    OrgType = "government"
	OrgDonor         OrgType = "donor"
	OrgPrivateSector OrgType = "private_sector"
	OrgAcademic      OrgType = "academic_research"
	OrgOther         OrgType = "other"
)

// OrgTypes lists every organisation type.
var OrgTypes = []OrgType{OrgINGO, OrgNationalNGO, OrgUN, OrgRedCross, OrgGovernment, OrgDonor, OrgPrivateSector, OrgAcademic, OrgOther}

// Valid reports whether t is one of OrgTypes.
func (t OrgType) Valid() bool { return member(t, OrgTypes) }

// Instrument is the legal or administrative form a measure took.
type Instrument string

// Instruments.
const (
	InstrumentDecree          Instrument = "decree"
	InstrumentNoteVerbale     Instrument = "note_verbale"
	InstrumentLetter          Instrument = "letter"
	InstrumentPublicStatement Instrument = "public_statement"
	InstrumentCourtOrder      Instrument = "court_order"
	InstrumentMinisterial     Instrument = "ministerial_order"
	InstrumentLaw             Instrument = "law"
	InstrumentVerbalOrder     Instrument = "verbal_order"
	InstrumentOther           Instrument = "other"
)

// Instruments lists every instrument.
var Instruments = []Instrument{InstrumentDecree, InstrumentNoteVerbale, InstrumentLetter, InstrumentPublicStatement, InstrumentCourtOrder, InstrumentMinisterial, InstrumentLaw, InstrumentVerbalOrder, InstrumentOther}

// Valid reports whether i is one of Instruments.
func (i Instrument) Valid() bool { return member(i, Instruments) }

// ReasonCategory groups the reasons authorities state.
type ReasonCategory string

// Reason categories.
const (
	ReasonNoneGiven           ReasonCategory = "none_given"
	ReasonArmedGroupLinks     ReasonCategory = "alleged_armed_group_links"
	ReasonEspionage           ReasonCategory = "data_collection_espionage"
	ReasonGenderPolicy        ReasonCategory = "gender_policy"
	ReasonJudicialRetaliation ReasonCategory = "judicial_retaliation"
	ReasonMisinformation      ReasonCategory = "misinformation_public_statements"
	ReasonSovereignty         ReasonCategory = "sovereignty_foreign_relations"
	ReasonAdministrative      ReasonCategory = "administrative_registration"
	ReasonSecurity            ReasonCategory = "security"
	ReasonPolitical           ReasonCategory = "alleged_political_interference"
	ReasonProselytism         ReasonCategory = "alleged_proselytism"
	ReasonOther               ReasonCategory = "other"
)

// ReasonCategories lists every reason category.
var ReasonCategories = []ReasonCategory{ReasonNoneGiven, ReasonArmedGroupLinks, ReasonEspionage, ReasonGenderPolicy, ReasonJudicialRetaliation, ReasonMisinformation, ReasonSovereignty, ReasonAdministrative, ReasonSecurity, ReasonPolitical, ReasonProselytism, ReasonOther}

// Valid reports whether r is one of ReasonCategories.
func (r ReasonCategory) Valid() bool { return member(r, ReasonCategories) }

// ConstraintCategory is one of the nine access-constraint categories of the
// OCHA access monitoring and reporting framework, also used by ACAPS.
type ConstraintCategory string

// Constraint categories.
const (
	ConstraintDenialOfNeeds        ConstraintCategory = "denial_of_needs"
	ConstraintAccessToAssistance   ConstraintCategory = "restricted_access_to_assistance"
	ConstraintEntryImpediments     ConstraintCategory = "impediments_to_entry"
	ConstraintMovementRestrictions ConstraintCategory = "movement_restrictions"
	ConstraintInterference         ConstraintCategory = "interference_in_activities"
	ConstraintViolence             ConstraintCategory = "violence_against_personnel"
	ConstraintHostilities          ConstraintCategory = "hostilities"
	ConstraintExplosiveOrdnance    ConstraintCategory = "explosive_ordnance"
	ConstraintPhysicalEnvironment  ConstraintCategory = "physical_environment"
)

// ConstraintCategories lists the nine categories in framework order.
var ConstraintCategories = []ConstraintCategory{
	ConstraintDenialOfNeeds, ConstraintAccessToAssistance, ConstraintEntryImpediments,
	ConstraintMovementRestrictions, ConstraintInterference, ConstraintViolence,
	ConstraintHostilities, ConstraintExplosiveOrdnance, ConstraintPhysicalEnvironment,
}

// Valid reports whether c is one of ConstraintCategories.
func (c ConstraintCategory) Valid() bool { return member(c, ConstraintCategories) }

// ReachBasis says what a reach figure counts.
type ReachBasis string

// Reach bases.
const (
	ReachAnnual     ReachBasis = "annual"     // people reached in one year
	ReachPeriod     ReachBasis = "period"     // people reached over a stated period
	ReachCumulative ReachBasis = "cumulative" // people reached over the whole presence
)

// ReachBases lists every basis.
var ReachBases = []ReachBasis{ReachAnnual, ReachPeriod, ReachCumulative}

// Valid reports whether b is one of ReachBases.
func (b ReachBasis) Valid() bool { return member(b, ReachBases) }

// SourceType classifies a source.
type SourceType string

// Source types.
const (
	SourceNews           SourceType = "news"
	SourceOrganisation   SourceType = "organisation_statement"
	SourceGovernment     SourceType = "government_document"
	SourceUN             SourceType = "un_report"
	SourceNGO            SourceType = "ngo_report"
	SourceSocialMedia    SourceType = "social_media"
	SourceInternalReport SourceType = "internal_report"
	SourceOther          SourceType = "other"
)

// SourceTypes lists every source type.
var SourceTypes = []SourceType{SourceNews, SourceOrganisation, SourceGovernment, SourceUN, SourceNGO, SourceSocialMedia, SourceInternalReport, SourceOther}

// Valid reports whether t is one of SourceTypes.
func (t SourceType) Valid() bool { return member(t, SourceTypes) }

// Verification says whether an event's facts have been checked.
type Verification string

// Verification states. Pending events are shown as due for review rather
// than as settled fact.
const (
	Verified Verification = "verified"
	Pending  Verification = "pending"
)

// Verifications lists every verification state.
var Verifications = []Verification{Verified, Pending}

// Valid reports whether v is one of Verifications.
func (v Verification) Valid() bool { return member(v, Verifications) }

func member[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
