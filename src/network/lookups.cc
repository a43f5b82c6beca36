// Lookups for other components (see lookups.h).
#include "network/lookups.h"

#include "network/defaults.h"

namespace borealis::network {
namespace {

// A not_found result as an empty optional; anything else passes through.
template <class T, class Record>
Result<std::optional<T>> optional_of(Result<Record> found, T (*pick)(Record&)) {
  if (found) return std::optional<T>(pick(*found));
  if (found.error().code == Errc::not_found) return std::optional<T>();
  return std::move(found).error();
}

}  // namespace

Result<std::optional<store::SubnetRecord>> find_subnet_record(store::Store& store, const std::string& subnet_id) {
  return optional_of<store::SubnetRecord, store::SubnetRecord>(
      store::NetworkTables(store).get_subnet(subnet_id), [](store::SubnetRecord& s) { return std::move(s); });
}

Result<std::optional<std::string>> security_group_vpc(store::Store& store, const std::string& group_id) {
  return optional_of<std::string, store::SecurityGroupRecord>(
      store::NetworkTables(store).get_security_group(group_id), [](store::SecurityGroupRecord& g) { return g.vpc_id; });
}

Result<std::string> default_vpc_id(store::Store& store, const std::string& region) {
  store::NetworkTables tables(store);
  auto vpc = tables.default_vpc(region);
  if (!vpc) return std::move(vpc).error();
  if (vpc->has_value()) return (*vpc)->id;
  const std::string regions[] = {region};
  if (auto s = ensure_default_network(store, regions); !s) return std::move(s).error();
  vpc = tables.default_vpc(region);
  if (!vpc) return std::move(vpc).error();
  if (!vpc->has_value()) return make_error(Errc::internal, "the default VPC of " + region + " was not created");
  return (*vpc)->id;
}

Result<std::string> default_security_group_id(store::Store& store, const std::string& vpc_id) {
  auto group = store::NetworkTables(store).find_security_group(vpc_id, "default");
  if (!group) return std::move(group).error();
  return group->id;
}

}  // namespace borealis::network
