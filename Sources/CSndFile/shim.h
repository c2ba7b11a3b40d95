// Candor's window onto libsndfile (WAV/FLAC fast path and writer).
#ifndef CANDOR_CSNDFILE_SHIM_H
#define CANDOR_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
