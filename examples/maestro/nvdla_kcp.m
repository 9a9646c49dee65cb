// NVDLA-like weight stationary (MAESTRO's KC-P): output channels K across the clusters (the
// array's rows), input channels C across the 16 PEs of a cluster (its columns); each PE walks
// its 3x3 window itself. The directives are those of MAESTRO's KC-P example, with Cluster(16)
// for a 16x16 array (--array 16x16, 256 PEs: 16 clusters of 16). The layer: C = 16, so the
// outer C map is one chunk and partial sums never leave the chip.
//   tessera compile --maestro-mapping examples/maestro/nvdla_kcp.m -o nvdla_kcp && tessera simulate nvdla_kcp
Network nvdla_kcp {
Layer conv3x3 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 16, R: 3, S: 3, Y: 18, X: 18 }
Dataflow {
    SpatialMap(1,1) K;
    TemporalMap(16,16) C;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    Cluster(16, P);
    SpatialMap(1,1) C;
    TemporalMap(Sz(R),1) Y;
    TemporalMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
}
}
}
