// Eyeriss-like row stationary (MAESTRO's YR-P): output rows Y' across the clusters (the array's
// rows), filter rows R across the Sz(R) PEs of a cluster (its columns). SpatialMap Y with
// SpatialMap R on one level is Eyeriss's diagonal: PE i holds filter row i and input row y + i,
// all for output row y, so the partial sums of a column reduce across the cluster. Directives as
// in MAESTRO's YR-P example.
//   tessera compile --maestro-mapping examples/maestro/eyeriss_yrp.m -o eyeriss_yrp && tessera simulate eyeriss_yrp
Network eyeriss_yrp {
Layer conv3x3 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 16, R: 3, S: 3, Y: 18, X: 18 }
Dataflow {
    SpatialMap(1,1) Y';
    TemporalMap(1,1) X';
    TemporalMap(1,1) C;
    TemporalMap(16,16) K;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
    Cluster(Sz(R),P);
    SpatialMap(1,1) Y;
    SpatialMap(1,1) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
}
