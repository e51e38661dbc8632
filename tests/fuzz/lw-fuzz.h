/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Each target in tests/fuzz defines the libFuzzer entry point. The same
 * source links either with libFuzzer (-Dfuzzing=true, clang), or with
 * lw-fuzz-replay.c, which runs the seed corpus in every build. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
