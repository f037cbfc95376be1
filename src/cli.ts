// shoal-server [/path/to/shoal.conf] [--directive value ...], with redis-server's conventions.

import { Command } from 'commander';
import { ConfigError, loadConfig } from './config/load.js';
import { log } from './log.js';
import { renameCommand, startServer } from './main.js';
import { REDIS_VERSION, VERSION } from './version.js';

const program = new Command();
program
  .name('shoal-server')
  .usage('[/path/to/shoal.conf] [--directive value ...]')
  .description(
    'Shoal: a Redis-compatible key-value server.\n\n' +
      'Any configuration directive can be given as --name value (as in the conf file);\n' +
      'command-line options override the file. Examples:\n' +
      '  shoal-server --port 7777\n' +
      "  shoal-server conf/shoal.conf --loglevel verbose --save ''",
  )
  .helpOption('-h, --help', 'show this help')
  .version(`Shoal server v=${VERSION} (Redis ${REDIS_VERSION} compatible)`, '-v, --version', 'show the version')
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .argument('[args...]')
  .action(async (args: string[]) => {
    const words = process.argv.slice(2);
    const confFile = words.length > 0 && !words[0].startsWith('--') ? words[0] : null;
    const rest = confFile === null ? words : words.slice(1);
    void args;
    try {
      const config = loadConfig(confFile, rest, renameCommand);
      await startServer(config);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
      } else {
        // Like Redis, a server that cannot start says why in its log (stdout unless logfile is set),
        // where operators and Redis's test harness look.
        log.warn(`Fatal: ${(err as Error).message}`);
      }
      process.exit(1);
    }
  });

program.parseAsync(process.argv);
