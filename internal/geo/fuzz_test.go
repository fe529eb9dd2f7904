package geo

import (
	"errors"
	"testing"
)

// FuzzDecode: the TopoJSON decoder and the map builder never panic; they
// either decode or return an ErrTopology.
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 60s ./internal/geo/
func FuzzDecode(f *testing.F) {
	f.Add(worldMap(f))
	f.Add([]byte(`{"type":"Topology","transform":{"scale":[0.5,1],"translate":[10,20]},"arcs":[[[0,0],[2,0],[0,2]],[[2,2],[-2,0],[0,-2]]],"objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0,1]],"id":"562"},{"type":"MultiPolygon","arcs":[[[-2,-1]]],"id":4}]}}}`))
	f.Add([]byte(`{"type":"Topology","arcs":[[[170,10],[-170,10],[-170,20],[170,20],[170,10]]],"objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0]],"properties":{"name":"Kosovo"}}]}}}`))
	f.Add([]byte(`{"type":"Topology","arcs":[[[-180,-70],[180,-70]]],"objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0,~0]]}]}}}`))
	f.Add([]byte(`{"type":"Topology","arcs":[],"objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[-1]]}]}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	countries := countryList(f)
	f.Fuzz(func(t *testing.T, topo []byte) {
		fs, err := Decode(topo, "countries")
		if err != nil {
			if !errors.Is(err, ErrTopology) {
				t.Fatalf("error %v does not wrap ErrTopology", err)
			}
			return
		}
		for _, feat := range fs {
			for _, p := range feat.Polygons {
				for _, r := range p {
					if len(r) == 0 {
						t.Fatalf("empty ring decoded in %+v", feat)
					}
				}
			}
		}
		w, err := NewWorld(topo, countries)
		if err != nil {
			if !errors.Is(err, ErrTopology) {
				t.Fatalf("error %v does not wrap ErrTopology", err)
			}
			return
		}
		if len(w.Shapes) != len(fs) {
			t.Fatalf("%d shapes from %d features", len(w.Shapes), len(fs))
		}
	})
}
