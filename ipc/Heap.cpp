// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Heap.hpp"

#include <malloc.h>

#include <array>
#include <cstdlib>
#include <system_error>
#include <thread>

namespace Ipc {

namespace {

/* glibc's defaults: 64 size classes 16 bytes apart, the smallest for requests up to
 * 24 bytes, 7 chunks each (a tunable may raise it; then some stay, as before). */
constexpr size_t CLASSES = 64;
constexpr size_t PER_CLASS = 7;
constexpr size_t SMALLEST = 24;
constexpr size_t CLASS_STEP = 16;

}  // namespace

void TrimHeap() noexcept {
    /* A malloc of a size takes from this thread's cache first: this empties it. A
     * chunk freed by another thread goes to that thread's cache, which goes back to
     * the heap when the thread ends; freed here, they would only be cached again. */
    std::array<void*, CLASSES * PER_CLASS> taken{};
    size_t count = 0;
    for (size_t c = 0; c < CLASSES; ++c)
        for (size_t i = 0; i < PER_CLASS; ++i)
            if (void* p = std::malloc(SMALLEST + c * CLASS_STEP)) taken[count++] = p;
    const auto free_taken = [&taken, count]() noexcept {
        for (size_t i = 0; i < count; ++i) std::free(taken[i]);
    };
    try {
        std::thread(free_taken).join();
    } catch (const std::system_error&) {
        /* No thread to be had: freed here they are cached as before, nothing lost. */
        free_taken();
    }
    malloc_trim(0);
}

}  // namespace Ipc
