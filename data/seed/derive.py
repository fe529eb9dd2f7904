#!/usr/bin/env python3
"""Derive data/seed/events.csv from the project's reference list of cases.

Run once by a maintainer when the reference list changes:
    python3 data/seed/derive.py REFERENCE_CASES_CSV > data/seed/events.csv
The application never runs this; it reads the derived file, which uses the
events CSV format of internal/dataset (the same format as import/export).

Mapping: one case row becomes one event row. The case note becomes the
event's description; a note saying the status "needs review" marks the event
as pending verification (the dashboard then shows the record as due for
review). Every source is a news report; titles and publication dates are not
in the reference list and are left empty rather than guessed.

Version 2 of the reference list adds two columns, carried over as they are:
`people_affected` (people affected by the event itself: students of a
closed school, detained staff; never the organisation's reach, which is
`people` with its `people_basis`) and `until` (the stated end of a
time-limited measure, or the deadline a measure sets; the event type says
which).
"""
import csv
import sys

COLUMNS = [
    "country_code", "country_name", "org_slug", "org_name", "org_acronym", "org_type",
    "date", "date_precision", "event_type", "status_after", "initiated_by", "authority",
    "instrument", "reason_stated", "reason_category", "constraint_category", "people",
    "people_basis", "people_period", "presence_since", "people_affected", "until",
    "description", "verification",
    "source_publisher", "source_url", "source_title", "source_date", "source_type",
]
HXL = [
    "#country+code", "#country+name", "#org+code", "#org+name", "#org+acronym", "#org+type",
    "#date", "#date+precision", "#event+type", "#status", "#access+initiator",
    "#access+authority", "#access+instrument", "#cause+stated", "#cause+category",
    "#access+constraint", "#reached", "#reached+basis", "#reached+period", "#date+presence",
    "#affected", "#date+end", "#description", "#status+verification", "#meta+source", "#meta+url", "#meta+title",
    "#meta+date", "#meta+type",
]


def main(path):
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(COLUMNS)
    out.writerow(HXL)
    with open(path, newline="", encoding="utf-8") as f:
        for case in csv.DictReader(f):
            needs_review = "needs review" in case["note"].lower()
            out.writerow([
                case["country"], "", case["org_slug"], case["org_name"], case["org_acronym"],
                case["org_type"], case["date"], case["date_precision"], case["event_type"],
                case["status_after"], case["initiated_by"], case["authority"],
                case["instrument"], case["reason_stated"], case["reason_category"], "",
                case["people"], case["people_basis"], "", case["presence_since"],
                case["people_affected"], case["until"], case["note"], "pending" if needs_review else "verified",
                case["source_publisher"], case["source_url"], "", "", "news",
            ])


if __name__ == "__main__":
    main(sys.argv[1])
