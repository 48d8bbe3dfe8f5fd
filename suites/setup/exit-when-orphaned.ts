/**
 * Every project's workers: a worker whose vitest main process is gone stops what it started and
 * ends (helpers/os/orphaned-worker.ts), instead of running its test on, orphaned.
 */
import { exitWhenOrphaned } from '../../helpers/os/orphaned-worker.js';

exitWhenOrphaned();
