/*
 * Minimal stand-in for miniaudio.h, used only when building Ollama from the Go
 * module proxy for the Modelyard test services (scripts/test-services.sh).
 *
 * Go module zips omit every directory named "vendor", so the vendored
 * llama.cpp headers (nlohmann/json, stb_image, miniaudio) are missing from
 * `go install github.com/ollama/ollama@<tag>`. nlohmann-json and stb come from
 * Debian packages (nlohmann-json3-dev, libstb-dev); miniaudio has no Debian
 * package in bookworm, so this stub declares just what
 * llama/llama.cpp/tools/mtmd/mtmd-helper.cpp uses. Every decoder call fails,
 * so audio input to multimodal models is unsupported in this test build;
 * text generation is unaffected.
 */
#ifndef MODELYARD_MINIAUDIO_STUB_H
#define MODELYARD_MINIAUDIO_STUB_H

#include <stddef.h>
#include <stdint.h>

#ifndef MA_API
#define MA_API
#endif

typedef int ma_result;
typedef uint32_t ma_uint32;
typedef uint64_t ma_uint64;

#define MA_SUCCESS 0
#define MA_ERROR (-1)
#define MA_NOT_IMPLEMENTED (-29)

typedef enum { ma_format_unknown = 0, ma_format_u8, ma_format_s16, ma_format_s24, ma_format_s32, ma_format_f32 } ma_format;
typedef enum { ma_encoding_format_unknown = 0, ma_encoding_format_wav } ma_encoding_format;

typedef struct { ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_decoder_config;
typedef struct { int unused; } ma_decoder;
typedef struct { ma_encoding_format encodingFormat; ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_encoder_config;
typedef struct { int unused; } ma_encoder;

static inline ma_decoder_config ma_decoder_config_init(ma_format format, ma_uint32 channels, ma_uint32 sampleRate) {
    ma_decoder_config c; c.format = format; c.channels = channels; c.sampleRate = sampleRate; return c;
}
static inline ma_result ma_decoder_init_memory(const void * data, size_t size, const ma_decoder_config * config, ma_decoder * decoder) {
    (void) data; (void) size; (void) config; (void) decoder; return MA_NOT_IMPLEMENTED;
}
static inline ma_result ma_decoder_get_length_in_pcm_frames(ma_decoder * decoder, ma_uint64 * length) {
    (void) decoder; if (length) { *length = 0; } return MA_NOT_IMPLEMENTED;
}
static inline ma_result ma_decoder_read_pcm_frames(ma_decoder * decoder, void * out, ma_uint64 frames, ma_uint64 * read) {
    (void) decoder; (void) out; (void) frames; if (read) { *read = 0; } return MA_NOT_IMPLEMENTED;
}
static inline ma_result ma_decoder_uninit(ma_decoder * decoder) { (void) decoder; return MA_SUCCESS; }

static inline ma_encoder_config ma_encoder_config_init(ma_encoding_format encodingFormat, ma_format format, ma_uint32 channels, ma_uint32 sampleRate) {
    ma_encoder_config c; c.encodingFormat = encodingFormat; c.format = format; c.channels = channels; c.sampleRate = sampleRate; return c;
}
static inline ma_result ma_encoder_init_file(const char * path, const ma_encoder_config * config, ma_encoder * encoder) {
    (void) path; (void) config; (void) encoder; return MA_NOT_IMPLEMENTED;
}
static inline ma_result ma_encoder_write_pcm_frames(ma_encoder * encoder, const void * in, ma_uint64 frames, ma_uint64 * written) {
    (void) encoder; (void) in; (void) frames; if (written) { *written = 0; } return MA_NOT_IMPLEMENTED;
}
static inline ma_result ma_encoder_uninit(ma_encoder * encoder) { (void) encoder; return MA_SUCCESS; }

#endif /* MODELYARD_MINIAUDIO_STUB_H */
