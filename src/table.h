// SPDX-License-Identifier: MIT
// --format table: an aligned summary for a person at a shell, 80 columns wide.
#pragma once

#include <string>

#include "metrics.h"

namespace netprom {

/// Renders the run as two tables: destinations (address, sent/received, loss, min/avg/max/
/// stddev in ms and a sparkline of every request's RTT, lost ones marked) and interfaces.
/// `color` adds ANSI colours (the caller decides: a terminal, and NO_COLOR unset). Pure.
std::string render_table(const RunReport& report, bool color);

/// One cell per request (or per group of requests when there are more than `cells`): a block
/// from ▁ to █ scaled between the fastest and the slowest reply, `×` for a lost request, `╳`
/// for a group with some lost. Pure.
std::string render_sparkline(const std::vector<double>& rtt_seconds, std::size_t cells);

}  // namespace netprom
