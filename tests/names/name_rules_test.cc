// Unit tests of what a valid name is (name_rules.h) and of the wire format's little-endian
// fields (protocol.h): the two things client and server must agree on byte for byte.
#include <gtest/gtest.h>
#include <harbor/names.h>

#include <cstring>
#include <string>

#include "name_rules.h"
#include "protocol.h"

namespace {

int32_t length_of(const std::string& bytes) {
  return hb_names_name_length(reinterpret_cast<const uint8_t*>(bytes.c_str()),
                              static_cast<uint32_t>(bytes.size() + 1));
}

TEST(NameRulesTest, AcceptsLettersDigitsDotUnderscoreDash) {
  EXPECT_EQ(length_of("echo"), 4);
  EXPECT_EQ(length_of("kv.store_2-Z"), 12);
  EXPECT_EQ(length_of("0"), 1);
  EXPECT_EQ(length_of("..."), 3);
}

TEST(NameRulesTest, AcceptsSixtyThreeBytesAndRejectsSixtyFour) {
  EXPECT_EQ(length_of(std::string(HB_NAME_MAX, 'a')), HB_NAME_MAX);
  EXPECT_EQ(length_of(std::string(HB_NAME_MAX + 1, 'a')), -1);
}

TEST(NameRulesTest, RejectsTheEmptyName) { EXPECT_EQ(length_of(""), -1); }

TEST(NameRulesTest, RejectsEveryByteOutsideTheSet) {
  for (int c = 1; c < 256; ++c) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
    std::string name = "ab";
    name += static_cast<char>(c);
    EXPECT_EQ(length_of(name), allowed ? 3 : -1) << "byte " << c;
  }
  EXPECT_EQ(length_of("kv@alpha"), -1);  // '@' is kept for SPEC 9's name@node
  EXPECT_EQ(length_of("a/b"), -1);
  EXPECT_EQ(length_of("a b"), -1);
}

TEST(NameRulesTest, NeedsTheNulWithinTheBytesItMayRead) {
  const uint8_t bytes[4] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(hb_names_name_length(bytes, 4), -1);  // no NUL in 4 bytes: not a name
  const uint8_t ended[4] = {'a', 'b', 0, 'd'};
  EXPECT_EQ(hb_names_name_length(ended, 4), 2);
  EXPECT_EQ(hb_names_name_length(ended, 2), -1);  // the NUL is past what may be read
}

TEST(ProtocolTest, FieldsAreLittleEndianWhateverTheCpu) {
  uint8_t at[8];
  hb_names_put_u32(at, 0x11223344u);
  EXPECT_EQ(at[0], 0x44);
  EXPECT_EQ(at[3], 0x11);
  EXPECT_EQ(hb_names_get_u32(at), 0x11223344u);
  hb_names_put_u64(at, 0x0102030405060708ull);
  EXPECT_EQ(at[0], 0x08);
  EXPECT_EQ(at[7], 0x01);
  EXPECT_EQ(hb_names_get_u64(at), 0x0102030405060708ull);
  hb_names_put_u32(at, static_cast<uint32_t>(HB_ERR_ALREADY_EXISTS));  // statuses are i32
  EXPECT_EQ(static_cast<hb_status_t>(hb_names_get_u32(at)), HB_ERR_ALREADY_EXISTS);
}

TEST(ProtocolTest, TheNameFieldEndsEachRequest) {
  EXPECT_EQ(HB_NAMES_REGISTER_NAME + HB_NAMES_NAME_FIELD, HB_NAMES_REGISTER_LEN);
  EXPECT_EQ(HB_NAMES_LOOKUP_NAME + HB_NAMES_NAME_FIELD, HB_NAMES_LOOKUP_LEN);
  EXPECT_EQ(HB_NAMES_UNREGISTER_NAME + HB_NAMES_NAME_FIELD, HB_NAMES_UNREGISTER_LEN);
  EXPECT_EQ(HB_NAMES_OPEN_NAME + HB_NAMES_NAME_FIELD, HB_NAMES_OPEN_LEN);
  EXPECT_EQ(HB_NAMES_NAME_FIELD, HB_NAME_MAX + 1u);
}

}  // namespace
