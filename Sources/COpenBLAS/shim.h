// OpenBLAS's CBLAS interface, plus the thread controls that cblas.h declares on Debian.
#include <cblas.h>
