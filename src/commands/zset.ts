import type { CommandDef } from './spec.js';

export const commands: CommandDef[] = [];
