// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Ipc {

/**
 * Gives the heap's free memory back to the system: malloc_trim(), after moving what
 * glibc keeps in the calling thread's cache of freed chunks (tcache: up to 7 chunks
 * of each size up to 1 KiB) back to the heap. Cached chunks count as in use, so
 * malloc_trim() cannot release the pages they lie on; after a crowd of clients they
 * lie all over a heap grown to its peak, several hundred pages (the chaos test's
 * RSS after its clients left: +7 to +10 % over its start, +3 to +4 % once these are
 * freed too). Takes a thread for a moment:
 * call it rarely (after a crowd left), from the thread that freed.
 */
void TrimHeap() noexcept;

}  // namespace Ipc
