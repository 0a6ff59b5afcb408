// oneDNN's sgemm (Debian's libdnnl-dev), and the one OpenMP call it needs: libdnnl runs on
// libgomp, and each of the engine's threads calls it single-threaded. Declared here so that
// no omp.h is needed.
#include <oneapi/dnnl/dnnl.h>
void omp_set_num_threads(int);
