# Model evaluations per second (docs/estimate.md, "Speed"); prints figures, not a test.
add_executable(model_bench ${CMAKE_CURRENT_LIST_DIR}/model_bench.cpp)
target_link_libraries(model_bench PRIVATE tessera_model tessera_frontend)
