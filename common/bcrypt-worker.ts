/** The thread that runs bcrypt compares for basic-auth.ts (bcryptjs is synchronous, ~75 ms at cost 10). */
import bcrypt from 'bcryptjs';
import type { CompareJob } from './basic-auth.js';
import { serveJobs } from './worker-pool.js';

serveJobs(({ password, hash }: CompareJob) => bcrypt.compareSync(password, hash));
