#include "vg/run.hpp"

int main(int argc, char** argv) { return vg::run(argc, argv); }
