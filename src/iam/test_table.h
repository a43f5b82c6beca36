// Test-only helpers for the iam tests: the tab-separated case table (policy_cases.tsv: one case per
// row, '#' comment lines, a fixed number of columns; a malformed row fails the test) and reading the
// policy documents in testdata/. Never used outside tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef BOREALIS_IAM_TESTDATA
#error "BOREALIS_IAM_TESTDATA must name the directory holding policy_cases.tsv and testdata/"
#endif

namespace borealis::iam::testing {

struct TableRow {
  int line = 0;
  std::vector<std::string> fields;
};

inline std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

inline std::vector<TableRow> read_table(const std::string& file_name, std::size_t columns) {
  std::vector<TableRow> rows;
  std::ifstream file(std::string(BOREALIS_IAM_TESTDATA) + "/" + file_name);
  EXPECT_TRUE(file.is_open()) << "cannot open " << file_name << " in " << BOREALIS_IAM_TESTDATA;
  std::string line;
  int line_no = 0;
  while (std::getline(file, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    TableRow row{line_no, split(line, '\t')};
    EXPECT_EQ(row.fields.size(), columns) << file_name << " line " << line_no << ": " << line;
    if (row.fields.size() == columns) rows.push_back(std::move(row));
  }
  return rows;
}

inline std::string read_testdata(const std::string& name) {
  std::ifstream file(std::string(BOREALIS_IAM_TESTDATA) + "/testdata/" + name, std::ios::binary);
  EXPECT_TRUE(file.is_open()) << "cannot open testdata/" << name;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace borealis::iam::testing
