#include "CImageIO.h"
int cimageio_version(void) { return 1; }
