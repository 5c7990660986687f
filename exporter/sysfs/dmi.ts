/** /sys/class/dmi/id: the DMI fields node_exporter reports as labels of node_dmi_info. */

export const DMI_FIELDS = [
  'bios_date',
  'bios_release',
  'bios_vendor',
  'bios_version',
  'board_asset_tag',
  'board_name',
  'board_serial',
  'board_vendor',
  'board_version',
  'chassis_asset_tag',
  'chassis_serial',
  'chassis_vendor',
  'chassis_version',
  'product_family',
  'product_name',
  'product_serial',
  'product_sku',
  'product_uuid',
  'product_version',
  'sys_vendor',
] as const;

/** `sys_vendor` is reported as `system_vendor`. */
function dmiLabelName(field: (typeof DMI_FIELDS)[number]): string {
  return field === 'sys_vendor' ? 'system_vendor' : field;
}

/** The fields present (serials are root-only, so often absent), as label names and values sorted by name. */
export function dmiLabels(attributes: ReadonlyMap<string, string>): { names: string[]; values: string[] } {
  const present = DMI_FIELDS.filter((field) => attributes.has(field))
    .map((field) => [dmiLabelName(field), attributes.get(field) as string] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return { names: present.map(([name]) => name), values: present.map(([, value]) => value) };
}
