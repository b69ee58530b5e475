#!/usr/bin/env bash
# Makes the sample video every fake serves: a 1.5-second, 96x64, 12 fps H.264 clip of
# ffmpeg's test pattern, small enough (~4 KB) to check in and embed. Fakes pad it with a
# `free` box to any requested size (video_core::provider::sample), so it stays playable at
# every size. Run once; the output is committed. Needs ffmpeg with libx264 (Debian: ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/video-core/src/provider/sample.mp4
ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=96x64:rate=12:duration=1.5" \
    -vf format=yuv420p -c:v libx264 -profile:v baseline -preset veryslow -crf 38 -g 18 \
    -movflags +faststart -an -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
    "$out"
ffprobe -v error -show_entries stream=codec_name,width,height,duration -of compact "$out"
ls -l "$out"
