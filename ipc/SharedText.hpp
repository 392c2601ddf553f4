// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace Ipc {

/**
 * Text encoded once and queued on many connections: a notification's body is
 * written once per change, and every subscriber's output holds a reference to the
 * same bytes instead of a copy (issue 17: fan-out was bound by copying and freeing
 * one line per connection). Immutable once shared; reference counts are plain
 * integers: loop thread only.
 *
 * Bodies are pooled per thread: a text dropped by its last holder keeps its capacity
 * for the next one, so after warm-up making, filling and sharing a text allocates
 * nothing. At most POOL_KEEP are kept, none over POOL_MAX_BYTES (a notification's size,
 * not a list's or a snapshot's: what a crowd of clients left behind is not kept).
 */
class SharedText {
  public:
    SharedText() noexcept = default;
    SharedText(const SharedText& other) noexcept;
    SharedText(SharedText&& other) noexcept : body_(other.body_) { other.body_ = nullptr; }
    SharedText& operator=(const SharedText& other) noexcept;
    SharedText& operator=(SharedText&& other) noexcept;
    ~SharedText() { Release(); }

    /** Frees the texts this thread keeps for reuse. */
    static void ReleasePool() noexcept;
    /** An empty text, this handle's alone until copied. */
    static SharedText Make();
    /** A text holding @p text (moved in, no copy). */
    static SharedText Of(std::string text);

    /** The bytes to fill: only before the text is shared (asserted). */
    std::string& Edit() noexcept;
    std::string_view View() const noexcept;
    size_t Size() const noexcept { return View().size(); }
    explicit operator bool() const noexcept { return body_ != nullptr; }

    static constexpr size_t POOL_KEEP = 32;
    static constexpr size_t POOL_MAX_BYTES = 8 * 1024;

  private:
    struct Body;
    friend struct Pool;
    void Release() noexcept;
    Body* body_ = nullptr;
};

}  // namespace Ipc
