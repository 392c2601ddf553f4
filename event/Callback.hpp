// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

namespace Event {

template <typename Signature>
class Callback;

/**
 * What an event source calls: any callable that is noexcept. The loop cannot
 * report a callback's exception to anyone, so the type refuses callables that may
 * throw (a lambda needs `noexcept`); handle errors inside, where they are
 * understood. Constructing one may allocate (and throw); calling it cannot throw.
 */
template <typename R, typename... Args>
class Callback<R(Args...)> {
  public:
    Callback() noexcept = default;

    template <typename F>
    requires(!std::is_same_v<std::decay_t<F>, Callback> &&
             std::is_nothrow_invocable_r_v<R, std::decay_t<F>&, Args...>) Callback(F&& function)
        : function_(std::forward<F>(function)) {}

    R operator()(Args... args) const noexcept { return function_(std::forward<Args>(args)...); }
    explicit operator bool() const noexcept { return static_cast<bool>(function_); }

  private:
    std::function<R(Args...)> function_;
};

}  // namespace Event
