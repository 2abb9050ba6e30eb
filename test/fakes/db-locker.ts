/**
 * Another process holding the database's write lock, as a backup tool or a stuck second daemon
 * would: `BEGIN EXCLUSIVE`, say so on stdout, then hold it for `ms` milliseconds (or until killed).
 *
 * Usage: db-locker.ts <db file> <ms>
 */
import Database from 'better-sqlite3';

const [file, ms] = process.argv.slice(2);
const db = new Database(file);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\n');
}, Number(ms));
