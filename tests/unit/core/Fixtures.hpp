// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "alsa/Types.hpp"

namespace TestData {

inline Alsa::CardIdentity Identity(const std::string& id) {
    Alsa::CardIdentity identity;
    identity.id = id;
    identity.card = 1;
    identity.ctl = "hw:1";
    identity.name = "Scarlett 18i20 USB";
    return identity;
}

inline Alsa::Control Integer(unsigned numid, const std::string& name, int64_t value) {
    Alsa::Control c;
    c.info.id.numid = numid;
    c.info.id.name = name;
    c.info.type = Alsa::ElemType::Integer;
    c.info.count = 1;
    c.info.min = 0;
    c.info.max = 172;
    c.info.step = 1;
    c.info.access.read = c.info.access.write = true;
    c.value.numbers = {value};
    return c;
}

}  // namespace TestData
