// Cairo with the three surfaces a figure is written to: PDF, SVG and image (PNG).
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
