// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/SharedText.hpp"

#include <cassert>
#include <memory>
#include <vector>

namespace Ipc {

struct SharedText::Body {
    std::string text;
    unsigned refs = 1;
};

/* Released bodies of this thread, ready for reuse. */
struct Pool {
    std::vector<std::unique_ptr<SharedText::Body>> free;

    Pool() { free.reserve(SharedText::POOL_KEEP); }

    SharedText::Body* Take() {
        if (free.empty()) return new SharedText::Body;
        SharedText::Body* body = free.back().release();
        free.pop_back();
        body->refs = 1;
        return body;
    }

    void Give(SharedText::Body* body) noexcept {
        std::unique_ptr<SharedText::Body> owned(body);
        /* A big text (a snapshot, a long list) is not worth keeping its memory for. */
        if (free.size() == SharedText::POOL_KEEP ||
            owned->text.capacity() > SharedText::POOL_MAX_BYTES)
            return;
        owned->text.clear();
        free.push_back(std::move(owned));  // reserved: cannot throw
    }
};

namespace {

/* Set when this thread's pool is gone (thread exit): a text released after it, by an
 * object destroyed later, is freed instead. Trivially destructible, so still there. */
thread_local bool pool_gone = false;

struct ThreadPoolHolder {
    Pool pool;
    ~ThreadPoolHolder() { pool_gone = true; }
};

Pool& ThreadPool() {
    thread_local ThreadPoolHolder holder;
    return holder.pool;
}

}  // namespace

SharedText::SharedText(const SharedText& other) noexcept : body_(other.body_) {
    if (body_) ++body_->refs;
}

SharedText& SharedText::operator=(const SharedText& other) noexcept {
    if (other.body_) ++other.body_->refs;
    Release();
    body_ = other.body_;
    return *this;
}

SharedText& SharedText::operator=(SharedText&& other) noexcept {
    if (this != &other) {
        Release();
        body_ = other.body_;
        other.body_ = nullptr;
    }
    return *this;
}

void SharedText::ReleasePool() noexcept {
    if (!pool_gone) ThreadPool().free.clear();
}

SharedText SharedText::Make() {
    SharedText text;
    text.body_ = ThreadPool().Take();
    return text;
}

SharedText SharedText::Of(std::string text) {
    SharedText shared = Make();
    shared.body_->text = std::move(text);
    return shared;
}

std::string& SharedText::Edit() noexcept {
    assert(body_ && body_->refs == 1);
    return body_->text;
}

std::string_view SharedText::View() const noexcept {
    return body_ ? std::string_view(body_->text) : std::string_view();
}

void SharedText::Release() noexcept {
    if (body_ && --body_->refs == 0) {
        if (pool_gone)
            delete body_;
        else
            ThreadPool().Give(body_);
    }
    body_ = nullptr;
}

}  // namespace Ipc
