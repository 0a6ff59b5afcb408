#ifndef CIMAGEIO_H
#define CIMAGEIO_H
// PNG and JPEG decoding and PNG encoding, with libpng's and libjpeg's longjmp-based error
// handling kept on the C side: Swift sees plain return codes and messages.
int cimageio_version(void);
#endif
