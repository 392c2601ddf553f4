// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bridges/osc/Values.hpp"

namespace Osc {

/** One OSC message: its address (or address pattern) and arguments. */
struct Message {
    std::string address;
    std::vector<Arg> args;
};

/** What a datagram carried. */
struct Datagram {
    /** Its messages in order; a bundle's elements flattened. */
    std::vector<Message> messages;
    /** Empty, or what was wrong with the datagram (or one of its bundle's elements;
     *  the well-formed messages before and after it are kept). */
    std::string error;
};

/** A bundle nested deeper than this is refused (its elements too). */
constexpr size_t MAX_BUNDLE_DEPTH = 8;
/** Messages taken from one datagram at most (the rest are refused). */
constexpr size_t MAX_MESSAGES = 64;

/**
 * Decodes a datagram: a message (liblo's lo_message_deserialise checks it), or a
 * `#bundle` whose elements are walked here, depth and count bounded, time tags
 * ignored (everything is done as it arrives). Arguments: i, f, s and S, T and F
 * as they are; h and d converted to i and f when they fit; any other type keeps its
 * tag with no value (the value rules refuse it with a clear message).
 */
Datagram Decode(const void* data, size_t size);

/** One message as a datagram (liblo's lo_message_serialise). Throws std::bad_alloc. */
std::string Encode(std::string_view address, const std::vector<Arg>& args);

}  // namespace Osc
