// ShiDianNao-like output stationary (MAESTRO's YX-P): output rows across the clusters (the
// array's rows), output columns across the 8 PEs of a cluster (its columns); input windows slide
// (SpatialMap(Sz(R),1) Y: each cluster an Sz(R)-row window one row further; TemporalMap(10,8) X:
// 10-column windows 8 columns apart, 8 outputs each). Directives as in MAESTRO's ShiDianNao
// example (vgg16_shi), on a 16x16 array (256 PEs: 32 clusters of 8; 16 rows used).
//   tessera compile --maestro-mapping examples/maestro/shidiannao_yxp.m -o shidiannao_yxp && tessera simulate shidiannao_yxp
Network shidiannao_yxp {
Layer conv3x3 {
Type: CONV
Stride { X: 1, Y: 1 }
Dimensions { K: 32, C: 16, R: 3, S: 3, Y: 18, X: 18 }
Dataflow {
    TemporalMap(1,1) K;
    TemporalMap(1,1) C;
    SpatialMap(Sz(R),1) Y;
    TemporalMap(10,8) X;
    TemporalMap(Sz(R),Sz(R)) R;
    TemporalMap(Sz(S),Sz(S)) S;
    Cluster(8, P);
    SpatialMap(Sz(S),1) X;
    TemporalMap(Sz(R),Sz(R)) S;
}
}
}
