// Test-only reader for the auth policy tables (method_cases.tsv, kerberos_cases.tsv): one case per
// tab-separated row, '#' comment lines, a fixed number of columns. A malformed row fails the test.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef BOREALIS_AUTH_TESTDATA
#error "BOREALIS_AUTH_TESTDATA must name the directory holding the policy tables"
#endif

namespace borealis::auth::testing {

struct PolicyRow {
  int line = 0;
  std::vector<std::string> fields;
};

inline std::vector<std::string> split_fields(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

inline std::vector<PolicyRow> read_policy_table(const std::string& file_name, std::size_t columns) {
  std::vector<PolicyRow> rows;
  std::ifstream file(std::string(BOREALIS_AUTH_TESTDATA) + "/" + file_name);
  EXPECT_TRUE(file.is_open()) << "cannot open " << file_name << " in " << BOREALIS_AUTH_TESTDATA;
  std::string line;
  int line_no = 0;
  while (std::getline(file, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    PolicyRow row{line_no, split_fields(line, '\t')};
    EXPECT_EQ(row.fields.size(), columns) << file_name << " line " << line_no << ": " << line;
    if (row.fields.size() == columns) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace borealis::auth::testing
