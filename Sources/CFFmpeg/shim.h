// Candor's window onto FFmpeg. Macros Swift cannot import are wrapped here as
// small inline functions; nothing else in the project includes FFmpeg headers.
#ifndef CANDOR_CFFMPEG_SHIM_H
#define CANDOR_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/sha.h>
#include <libavutil/tx.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

static inline int candor_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int candor_averror_eof(void) { return AVERROR_EOF; }
static inline int candor_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int candor_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int candor_averror_exit(void) { return AVERROR_EXIT; }
static inline int64_t candor_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int candor_time_base(void) { return AV_TIME_BASE; }

/// Fills `buffer` with FFmpeg's message for `code` (av_err2str is a macro over a compound literal).
static inline void candor_strerror(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) {
        snprintf(buffer, size, "FFmpeg error %d", code);
    }
}

/// A mono channel layout (AV_CHANNEL_LAYOUT_MONO is a compound-literal macro).
static inline AVChannelLayout candor_layout_mono(void) {
    AVChannelLayout layout = AV_CHANNEL_LAYOUT_MONO;
    return layout;
}

/// Silences FFmpeg's own logging to stderr below `level` (Candor reports errors itself).
static inline void candor_set_log_level(int level) { av_log_set_level(level); }
static inline int candor_log_quiet(void) { return AV_LOG_QUIET; }
static inline int candor_log_error(void) { return AV_LOG_ERROR; }
static inline int candor_log_warning(void) { return AV_LOG_WARNING; }

#endif
