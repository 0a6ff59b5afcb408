// zlib for the tests that read compressed PDF streams and PNG text chunks.
#include <zlib.h>
