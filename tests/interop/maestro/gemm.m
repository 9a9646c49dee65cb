// A GEMM in MAESTRO's BLAS style (data/mapping/GEMM_Example.m): constants, (M x K) x (K x N).
Constant SzM 8;
Constant SzN 16;
Constant SzK 32;
Constant KTileSz 8;
Network blas {
	Layer mm {
		Type: GEMM
		Dimensions { K: SzK, M: SzM, N: SzN }
		Dataflow {
			TemporalMap(1,1) N;
			SpatialMap(1,1) M;
			TemporalMap(KTileSz,KTileSz) K;
			Cluster(KTileSz, P);
			SpatialMap(1,1) K;
		}
	}
}
