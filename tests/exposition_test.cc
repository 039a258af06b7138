// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "exposition.h"

using namespace netprom;

BOOST_AUTO_TEST_SUITE(exposition)

BOOST_AUTO_TEST_CASE(family_has_help_type_and_samples_in_order) {
  ExpositionWriter w;
  w.family("x_total", "Things.", MetricType::counter);
  w.sample("x_total", LabelSet().add("a", "1").str(), std::uint64_t{18446744073709551615u});
  w.sample("x_total", "", std::uint64_t{0});
  w.family("y", "Y.", MetricType::gauge);
  w.sample("y", "", 0.1);
  BOOST_TEST(w.text() ==
             "# HELP x_total Things.\n# TYPE x_total counter\n"
             "x_total{a=\"1\"} 18446744073709551615\nx_total 0\n"
             "# HELP y Y.\n# TYPE y gauge\ny 0.1\n");
}

BOOST_AUTO_TEST_CASE(hostile_label_values_are_escaped) {
  LabelSet l;
  l.add("dest", "a\"b\\c\nd").add("site", "caf\xc3\xa9 }{,=");
  BOOST_TEST(l.str() == R"(dest="a\"b\\c\nd",site="café }{,=")");
}

BOOST_AUTO_TEST_CASE(help_escapes_backslash_and_newline_but_not_quotes) {
  ExpositionWriter w;
  w.family("m", "say \"hi\"\\\nbye", MetricType::gauge);
  w.sample("m", "", std::uint64_t{1});
  BOOST_TEST(w.text() == "# HELP m say \"hi\"\\\\\\nbye\n# TYPE m gauge\nm 1\n");
}

BOOST_AUTO_TEST_CASE(a_family_without_samples_leaves_no_help_or_type) {
  ExpositionWriter w;
  w.family("empty", "Nothing.", MetricType::gauge);
  w.family("full", "Something.", MetricType::gauge);
  w.sample("full", "", 0.5);
  w.family("empty_too", "Nothing.", MetricType::gauge);
  BOOST_TEST(w.text() == "# HELP full Something.\n# TYPE full gauge\nfull 0.5\n");
}

BOOST_AUTO_TEST_CASE(doubles_are_shortest_round_trip_and_specials_are_spelled) {
  BOOST_TEST(format_value(0.1) == "0.1");
  BOOST_TEST(format_value(1e-05) == "1e-05");
  BOOST_TEST(format_value(0.000123456789) == "0.000123456789");
  BOOST_TEST(format_value(1.0 / 3) == "0.3333333333333333");
  BOOST_TEST(format_value(1700000000.123) == "1700000000.123");
  BOOST_TEST(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  BOOST_TEST(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  BOOST_TEST(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  double back = std::stod(format_value(0.0012345678901234567));
  BOOST_TEST(back == 0.0012345678901234567);
}

BOOST_AUTO_TEST_CASE(extra_labels_follow_the_label_set) {
  ExpositionWriter w;
  w.family("h", "H.", MetricType::histogram);
  w.sample("h_bucket", "dest=\"a\"", std::uint64_t{3}, "le=\"+Inf\"");
  w.sample("h_bucket", "", std::uint64_t{3}, "le=\"0.5\"");
  BOOST_TEST(w.text() == "# HELP h H.\n# TYPE h histogram\nh_bucket{dest=\"a\",le=\"+Inf\"} 3\nh_bucket{le=\"0.5\"} 3\n");
}

BOOST_AUTO_TEST_CASE(a_streaming_writer_hands_over_the_same_text_in_chunks) {
  auto fill = [](ExpositionWriter& w) {
    w.family("m_total", "M.", MetricType::counter);
    for (std::uint64_t i = 0; i < 20000; ++i) w.sample("m_total", LabelSet().add("i", std::to_string(i)).str(), i);
  };
  ExpositionWriter whole;
  fill(whole);
  std::vector<std::string> chunks;
  ExpositionWriter streaming([&chunks](std::string_view text) { chunks.emplace_back(text); });
  fill(streaming);
  streaming.finish();
  BOOST_TEST(chunks.size() > 2u);
  std::string joined;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i + 1 < chunks.size()) BOOST_TEST(chunks[i].size() >= ExpositionWriter::kChunk);
    BOOST_TEST(chunks[i].size() < ExpositionWriter::kChunk + 100);
    BOOST_TEST(chunks[i].back() == '\n');  // whole lines only
    joined += chunks[i];
  }
  BOOST_TEST(joined == whole.text());
  BOOST_TEST(streaming.text().empty());
}

BOOST_AUTO_TEST_SUITE_END()
