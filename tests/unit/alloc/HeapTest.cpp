// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Ipc::TrimHeap() against malloc_trim() alone, on glibc's allocator: the freed chunks
 * a thread keeps cached count as in use, and after a crowd they pin pages all over
 * the heap (the chaos test's RSS after its clients left). Its own binary: a fresh
 * heap, and glibc's allocator rather than a sanitizer's.
 */
#include <doctest/doctest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ipc/Heap.hpp"

namespace {

long RssKb() {
    long pages = 0, resident = 0;
    FILE* statm = std::fopen("/proc/self/statm", "r");
    REQUIRE(statm != nullptr);
    REQUIRE(std::fscanf(statm, "%ld %ld", &pages, &resident) == 2);
    std::fclose(statm);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* glibc's cache: 64 sizes 16 bytes apart from 24, 7 chunks each. */
constexpr size_t CLASSES = 64;
constexpr size_t PER_CLASS = 7;
size_t SizeOf(size_t c) {
    return 24 + 16 * c;
}

}  // namespace

TEST_CASE("TrimHeap gives back the pages the thread's cached free chunks held") {
    /* What the process cached so far, taken out, so that the chunks below are cached. */
    std::vector<void*> earlier;
    for (size_t c = 0; c < CLASSES; ++c)
        for (size_t i = 0; i < PER_CLASS; ++i) earlier.push_back(std::malloc(SizeOf(c)));

    /* A heap grown by a crowd: 32 MiB of small chunks. */
    constexpr size_t SPREAD = 128;
    std::vector<void*> chunks(CLASSES * PER_CLASS * SPREAD);
    for (size_t i = 0; i < chunks.size(); ++i) chunks[i] = std::malloc(SizeOf(i % CLASSES));
    /* Freed first, so these are the cached ones: 7 of each size, each in a row of
     * its own (rows of CLASSES chunks, 34 KiB), so on a page of its own. */
    for (size_t c = 0; c < CLASSES; ++c)
        for (size_t k = 0; k < PER_CLASS; ++k) {
            const size_t row = (c * PER_CLASS + k) * SPREAD / CLASSES;
            void*& p = chunks[c + CLASSES * row];
            std::free(p);
            p = nullptr;
        }
    for (void* p : chunks) std::free(p);
    for (void* p : earlier) std::free(p);
    malloc_trim(0);
    const long trimmed = RssKb();

    Ipc::TrimHeap();
    const long after = RssKb();
    MESSAGE("RSS after malloc_trim ", trimmed, " KiB, after TrimHeap ", after, " KiB");
    /* A page for each of the 448 cached chunks (1,792 KiB); half of it at least. */
    CHECK(trimmed - after >= static_cast<long>(CLASSES * PER_CLASS * 4 / 2));
}
