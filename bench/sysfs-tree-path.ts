/** Writes the synthetic host tree (64 disks, 128 interfaces, 200 hwmon sensors) and prints where. */
import { writeSyntheticTree } from './sysfs-tree.js';

const tree = await writeSyntheticTree();
console.log(tree.root);
