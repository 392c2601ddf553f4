// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Heap.hpp"

#include <limits.h>
#include <malloc.h>
#include <pthread.h>

#include <array>
#include <cstdlib>

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
    struct Taken {
        std::array<void*, CLASSES * PER_CLASS> chunks{};
        size_t count = 0;
        void FreeAll() noexcept {
            for (size_t i = 0; i < count; ++i) std::free(chunks[i]);
        }
    } taken;
    for (size_t c = 0; c < CLASSES; ++c)
        for (size_t i = 0; i < PER_CLASS; ++i)
            if (void* p = std::malloc(SMALLEST + c * CLASS_STEP)) taken.chunks[taken.count++] = p;
    /* The least stack a thread may have: glibc keeps an ended thread's stack for the
     * next one, and what of it was touched stays resident. */
    pthread_attr_t attr;
    pthread_t thread;
    bool freed = false;
    if (pthread_attr_init(&attr) == 0) {
        pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 16384);
        const auto run = [](void* arg) -> void* {
            static_cast<Taken*>(arg)->FreeAll();
            return nullptr;
        };
        if (pthread_create(&thread, &attr, run, &taken) == 0) {
            pthread_join(thread, nullptr);
            freed = true;
        }
        pthread_attr_destroy(&attr);
    }
    /* No thread to be had: freed here they are cached as before, nothing lost. */
    if (!freed) taken.FreeAll();
    malloc_trim(0);
}

}  // namespace Ipc
