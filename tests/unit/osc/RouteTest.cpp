// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The device part of an OSC address: nickname, id or 1-based position; left out
 * with one device.
 */
#include <doctest/doctest.h>

#include "bridges/osc/Route.hpp"

using Osc::Route;

namespace {

const std::vector<Osc::DeviceName> TWO = {{"usb-1235-8215-P9ABC", "Studio rack"},
                                          {"usb-1235-8210-S2I2", ""}};

std::string Rest(const std::optional<Osc::Routed>& r) {
    return r ? std::to_string(r->device) + r->rest : "none";
}

}  // namespace

TEST_CASE("OSC routing: nickname, id, position; left out with one device") {
    CHECK(Rest(Route("/Studio_rack/input/1/gain", TWO)) == "0/input/1/gain");
    CHECK(Rest(Route("/usb-1235-8210-S2I2/monitor/dim", TWO)) == "1/monitor/dim");
    CHECK(Rest(Route("/2/output/1/volume", TWO)) == "1/output/1/volume");
    CHECK(Rest(Route("/1/output/1/volume", TWO)) == "0/output/1/volume");
    CHECK(Rest(Route("/3/output/1/volume", TWO)) == "none");
    CHECK(Rest(Route("/0/output/1/volume", TWO)) == "none");
    /* Two devices and none named: no guess. */
    CHECK(Rest(Route("/input/1/gain", TWO)) == "none");
    const std::vector<Osc::DeviceName> one = {{"usb-1235-8210-S2I2", ""}};
    CHECK(Rest(Route("/input/1/gain", one)) == "0/input/1/gain");
    CHECK(Rest(Route("/usb-1235-8210-S2I2/input/1/gain", one)) == "0/input/1/gain");
    CHECK(Rest(Route("/1/input/1/gain", one)) == "0/input/1/gain");
    CHECK(Rest(Route("", one)) == "none");
    CHECK(Rest(Route("/", one)) == "none");
    CHECK(Rest(Route("/99999999999999999999/x", one)) == "0/99999999999999999999/x");
}

TEST_CASE(
    "OSC device prefix: none with one device; else the nickname or id, which Route reads back") {
    const Osc::DeviceName studio{"usb-1235-8215-P9ABCDEF", "studio rack"};
    const Osc::DeviceName plain{"usb-1235-8210-S2I2", ""};
    CHECK(Osc::DevicePrefix(studio, 1).empty());
    CHECK(Osc::DevicePrefix(studio, 2) == "/studio_rack");
    CHECK(Osc::DevicePrefix(plain, 2) == "/usb-1235-8210-S2I2");
    const std::vector<Osc::DeviceName> both = {studio, plain};
    CHECK(Rest(Route(Osc::DevicePrefix(studio, 2) + "/input/1/gain", both)) == "0/input/1/gain");
    CHECK(Rest(Route(Osc::DevicePrefix(plain, 2) + "/input/1/gain", both)) == "1/input/1/gain");
}
