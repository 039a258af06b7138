// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "exposition.h"
#include "targets.h"

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

BOOST_AUTO_TEST_CASE(escapes_at_the_ends_and_back_to_back_and_empty_values) {
  BOOST_TEST(LabelSet().add("a", "\\\"\n").str() == R"(a="\\\"\n")");
  BOOST_TEST(LabelSet().add("a", "\"x\"").add("b", "").add("c", "y\\").str() == R"(a="\"x\"",b="",c="y\\")");
  BOOST_TEST(LabelSet().add("a", "\n\nz\n").str() == R"(a="\n\nz\n")");
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

// samples() is a faster spelling of a sample() loop: the text must be the same, whatever
// the lengths of names and label sets (the copies are done in 4/8/16-byte moves), the
// number of digits, an empty label set, and whether the writer streams.
BOOST_AUTO_TEST_CASE(samples_write_the_same_text_as_a_sample_loop) {
  std::vector<std::string> labels;
  std::vector<std::uint64_t> values;
  const std::uint64_t kValues[] = {0, 1, 9, 10, 99, 100, 12345, 4294967296u, 18446744073709551615u};
  std::string long_value;
  for (std::size_t i = 0; i < 3000; ++i) {
    if (i % 97 == 5) {
      labels.emplace_back();  // no labels at all: no braces
    } else {
      long_value.push_back(static_cast<char>('a' + i % 26));
      if (long_value.size() > 70) long_value.clear();
      labels.emplace_back(LabelSet().add("device", long_value).add("q", i % 3 ? "x" : "\"\n").str());
    }
    values.push_back(kValues[i % std::size(kValues)] + (i % 2 ? 0 : i));
  }
  const std::string_view names[] = {"a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijklmno",
                                    "abcdefghijklmnop", "abcdefghijklmnopq", "netprom_network_receive_bytes_total"};
  auto by_sample = [&](ExpositionWriter& w) {
    for (std::string_view name : names) {
      w.family(name, "N.", MetricType::counter);
      for (std::size_t i = 0; i < labels.size(); ++i) w.sample(name, labels[i], values[i]);
    }
    w.finish();
  };
  auto by_samples = [&](ExpositionWriter& w) {
    for (std::string_view name : names) {
      w.family(name, "N.", MetricType::counter);
      w.samples(name, labels, [&](std::size_t i) { return values[i]; });
    }
    w.finish();
  };
  // The expected text, by plain string appends.
  std::string expected;
  for (std::string_view name : names) {
    expected.append("# HELP ").append(name).append(" N.\n# TYPE ").append(name).append(" counter\n");
    for (std::size_t i = 0; i < labels.size(); ++i) {
      expected.append(name);
      if (!labels[i].empty()) expected.append("{").append(labels[i]).append("}");
      expected.append(" ").append(std::to_string(values[i])).append("\n");
    }
  }
  BOOST_TEST(expected.size() > 1000000u);
  ExpositionWriter one, other;
  by_sample(one);
  by_samples(other);
  BOOST_TEST((one.text() == expected));
  BOOST_TEST((other.text() == expected));

  std::string streamed;
  ExpositionWriter streaming([&streamed](std::string_view text) { streamed += text; });
  by_samples(streaming);
  BOOST_TEST((streamed == expected));
}

BOOST_AUTO_TEST_CASE(samples_of_nothing_leave_no_help_or_type) {
  ExpositionWriter w;
  w.family("none", "Nothing.", MetricType::gauge);
  w.samples("none", std::span<const std::string>(), [](std::size_t) { return std::uint64_t{1}; });
  w.family("two", "Two.", MetricType::gauge);
  const std::string labels[] = {"a=\"1\"", "a=\"2\""};
  w.samples("two", labels, [](std::size_t i) { return std::uint64_t{i * 10}; });
  BOOST_TEST(w.text() == "# HELP two Two.\n# TYPE two gauge\ntwo{a=\"1\"} 0\ntwo{a=\"2\"} 10\n");
}

BOOST_AUTO_TEST_CASE(samples_put_the_extra_label_after_each_label_set) {
  ExpositionWriter w;
  w.family("e", "E.", MetricType::gauge);
  const std::string labels[] = {"a=\"1\"", ""};
  w.samples("e", labels, [](std::size_t i) { return std::uint64_t{i + 7}; }, "type=\"x\"");
  BOOST_TEST(w.text() == "# HELP e E.\n# TYPE e gauge\ne{a=\"1\",type=\"x\"} 7\ne{type=\"x\"} 8\n");
}

BOOST_AUTO_TEST_CASE(interface_names_that_are_not_utf8_become_valid_label_values_still_told_apart) {
  BOOST_TEST(utf8_name("eth0") == "eth0");
  BOOST_TEST(utf8_name("caf\xc3\xa9") == "caf\xc3\xa9");
  BOOST_TEST(utf8_name("back\\slash") == "back\\slash");     // valid and no \xHH text: as it is
  BOOST_TEST(utf8_name("a\xff" "b") == "a\\xffb");
  BOOST_TEST(utf8_name("\x80\xc3") == "\\x80\\xc3");          // a lone continuation, a cut sequence
  BOOST_TEST(utf8_name("\xc0\xaf") == "\\xc0\\xaf");          // overlong '/'
  BOOST_TEST(utf8_name("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  BOOST_TEST(utf8_name("\\xff") == "\\\\xff");                // the text \xff is not the byte 0xff
  BOOST_TEST(utf8_name("q\\\xff") == "q\\\\\\xff");           // backslashes doubled once escaping
  // Every result is valid UTF-8, and different names give different values.
  std::vector<std::string> names = {"\xff", "\\xff", "\\\\xff", "\\xFF", "\xff\xff", "\\x", "x\xfe", "x\\xfe"};
  std::vector<std::string> values;
  for (const auto& n : names) values.push_back(utf8_name(n));
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = i + 1; j < values.size(); ++j) BOOST_TEST(values[i] != values[j]);
  for (const auto& v : values) BOOST_TEST(label_value_problem(v) == "");
}

BOOST_AUTO_TEST_SUITE_END()
