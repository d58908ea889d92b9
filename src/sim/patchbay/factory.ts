import type { PatchbaySettings } from '../../settings/schema.ts';
import type { LineDeviceSim } from './base.ts';
import { type ExtronMapReply, ExtronSim } from './extron.ts';
import { KramerSim } from './kramer.ts';
import { NumatoSim } from './numato.ts';
import { VideohubSim } from './videohub.ts';

export function simFor(p: PatchbaySettings, opts: { extronMapReply?: ExtronMapReply } = {}): LineDeviceSim {
  switch (p.protocol) {
    case 'extron-sis':
      return new ExtronSim(p.inputs, p.outputs, { password: p.password, mapReply: opts.extronMapReply });
    case 'kramer-p3000':
      return new KramerSim(p.inputs, p.outputs, { password: p.password });
    case 'videohub':
      return new VideohubSim(p.inputs, p.outputs);
    case 'numato-relay':
      return new NumatoSim(p.relay_count ?? 32);
  }
}
