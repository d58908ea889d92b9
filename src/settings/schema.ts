import { type Static, Type as T } from '@sinclair/typebox';

const Port = T.Integer({ minimum: 0, maximum: 65535 });
const Id = T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

export const ApiSettings = T.Object(
  {
    bind: T.String({ default: '127.0.0.1', minLength: 1 }),
    port: T.Integer({ default: 8420, minimum: 0, maximum: 65535 }),
    /** Without it, a token is generated at first start into data_dir/token (mode 0600). */
    token: T.Optional(T.String({ minLength: 8 })),
    /** Host names the API answers to (others get 421: DNS rebinding); the defaults are always in. */
    allowed_hosts: T.Array(T.String({ minLength: 1 }), { default: [] }),
    /** Writes (POST/PUT/DELETE) one client address may make per minute; 0 = no limit. */
    writes_per_minute: T.Integer({ minimum: 0, default: 600 }),
  },
  { additionalProperties: false, default: {} },
);

/** Folders for files named over the API; each defaults under data_dir. */
export const PathSettings = T.Object(
  {
    media: T.Optional(T.Array(T.String({ minLength: 1 }), { minItems: 1 })),
    exports: T.Optional(T.String({ minLength: 1 })),
    backup_targets: T.Optional(T.Array(T.String({ minLength: 1 }), { minItems: 1 })),
  },
  { additionalProperties: false, default: {} },
);

export const ConsoleSettings = T.Object(
  {
    id: Id,
    family: T.Union([T.Literal('x32'), T.Literal('sq'), T.Literal('qu')]),
    /** Network address (X32: OSC/UDP; SQ/Qu: MIDI over TCP). Not needed with midi_port. */
    host: T.Optional(T.String({ minLength: 1 })),
    port: T.Optional(Port),
    /** SQ/Qu over a MIDI port (USB/ALSA) instead of TCP: the port's name or a unique part of it. */
    midi_port: T.Optional(T.String({ minLength: 1 })),
    midi_channel: T.Optional(T.Integer({ minimum: 1, maximum: 16 })),
    model: T.Optional(T.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const SimX32Settings = T.Object(
  {
    loss_pct: T.Number({ minimum: 0, maximum: 100, default: 0 }),
    /** The firmware the simulated X32 plays (older ones lack some nodes: x32-scene.md §4). */
    firmware: T.String({ pattern: '^\\d+\\.\\d+$', default: '4.06' }),
    /** The simulated X32's clock (to play a clock mismatch); omit a field to answer the default (48 kHz, internal). */
    clock: T.Optional(
      T.Object(
        {
          rate: T.Optional(T.Union([T.Literal(44100), T.Literal(48000)])),
          source: T.Optional(
            T.Union([T.Literal('internal'), T.Literal('aes50a'), T.Literal('aes50b'), T.Literal('card')]),
          ),
          /** The console does not answer its clock leaves at all. */
          silent: T.Optional(T.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const SimFault = T.Object(
  {
    path: T.Optional(T.String({ minLength: 1 })),
    device: T.Optional(T.String({ minLength: 1 })),
    kind: T.Union(
      [
        'dead',
        'swap-with',
        'polarity',
        'gain-db',
        'crosstalk-from',
        'hum',
        'noise',
        'clip',
        'stuck-crosspoint',
        'latency-samples',
        'silent',
        'loss-pct',
      ].map((k) => T.Literal(k)),
    ),
    with: T.Optional(T.String()),
    from: T.Optional(T.String()),
    db: T.Optional(T.Number()),
    value: T.Optional(T.Number()),
    output: T.Optional(T.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** A cable under test on the simulated interface: output `out` to input `in`, with its faults. */
export const SimCable = T.Object(
  {
    out: T.Integer({ minimum: 1 }),
    in: T.Integer({ minimum: 1 }),
    /** Level loss (an open leg of a balanced cable: −6 dB). */
    gain_db: T.Optional(T.Number({ minimum: -120, maximum: 0 })),
    reversed: T.Optional(T.Boolean()),
    hum_dbfs: T.Optional(T.Number({ minimum: -160, maximum: 0 })),
    /** Intermittent: drops out for length_ms every every_ms. */
    dropouts: T.Optional(
      T.Object(
        { every_ms: T.Number({ minimum: 10 }), length_ms: T.Number({ minimum: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** What a simulated musician plays (drivers/audio/band.ts renders each; sim/plant.ts checks the two lists agree). */
export const BAND_PROGRAMMES = ['kick', 'snare', 'hats', 'toms', 'bass', 'guitar', 'keys', 'vocal', 'click'] as const;

/** The simulated band for a sound check: one player per console input. */
export const SimBand = T.Object(
  {
    /** Whether the band plays now (also `rad band on|off`, PUT /api/v1/sim/band). */
    playing: T.Boolean({ default: false }),
    players: T.Array(
      T.Object(
        {
          /** The console input the player's microphone or DI arrives on, e.g. `x32-main:in:3`. */
          input: T.String({ pattern: '^[A-Za-z0-9_.-]+:in:[0-9]+$' }),
          programme: T.Union(BAND_PROGRAMMES.map((p) => T.Literal(p))),
          /** The programme's peak at the console input with the preamp at 0 dB. */
          level_dbfs: T.Number({ minimum: -100, maximum: 20 }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const SimSettings = T.Object(
  {
    band: SimBand,
    /** Cables plugged between interface outputs and inputs for `rad cable test`. */
    cables: T.Array(SimCable, { default: [] }),
    enabled: T.Boolean({ default: false }),
    lan_delay_ms: T.Number({ minimum: 0, maximum: 1000, default: 0 }),
    faults: T.Array(SimFault, { default: [] }),
    x32: SimX32Settings,
    /** How the simulated Extron frames word the whole-map reply (real frames: `real`). */
    extron: T.Object(
      {
        map_reply: T.Union(
          [
            T.Literal('real'),
            T.Literal('space'),
            T.Literal('wide'),
            T.Literal('tight'),
            T.Literal('legacy'),
            T.Literal('none'),
          ],
          { default: 'real' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const PatchbaySettings = T.Object(
  {
    id: Id,
    protocol: T.Union([
      T.Literal('extron-sis'),
      T.Literal('kramer-p3000'),
      T.Literal('videohub'),
      T.Literal('numato-relay'),
    ]),
    tcp: T.Optional(T.Object({ host: T.String({ minLength: 1 }), port: Port }, { additionalProperties: false })),
    serial: T.Optional(
      T.Object(
        { path: T.String({ minLength: 1 }), baud: T.Optional(T.Integer({ minimum: 300, maximum: 921600 })) },
        { additionalProperties: false },
      ),
    ),
    inputs: T.Integer({ minimum: 1, maximum: 1024 }),
    outputs: T.Integer({ minimum: 1, maximum: 1024 }),
    labels: T.Optional(
      T.Object(
        {
          inputs: T.Optional(T.Array(T.String({ maxLength: 64 }))),
          outputs: T.Optional(T.Array(T.String({ maxLength: 64 }))),
        },
        { additionalProperties: false },
      ),
    ),
    password: T.Optional(T.String({ minLength: 1 })),
    relays: T.Optional(
      T.Array(
        T.Object(
          {
            relay: T.Integer({ minimum: 0, maximum: 31 }),
            input: T.Integer({ minimum: 1 }),
            output: T.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    relay_count: T.Optional(T.Union([T.Literal(8), T.Literal(16), T.Literal(32)])),
    atomic: T.Boolean({ default: true }),
    timeout_ms: T.Integer({ minimum: 50, maximum: 30000, default: 1500 }),
    heartbeat_ms: T.Integer({ minimum: 100, maximum: 600000, default: 10000 }),
  },
  { additionalProperties: false },
);

const Endpoint = T.String({ minLength: 3, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)+$' });
const NormalMode = T.Union([T.Literal('full'), T.Literal('half'), T.Literal('isolated'), T.Literal('parallel')]);

export const BaySettings = T.Object(
  {
    id: Id,
    points: T.Integer({ minimum: 1, maximum: 512 }),
    normal: T.Optional(NormalMode),
    /** per-point overrides: { "12": "isolated" } */
    modes: T.Optional(T.Record(T.String({ pattern: '^[0-9]+$' }), NormalMode)),
    labels: T.Optional(T.Record(T.String({ pattern: '^[0-9]+$' }), T.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);

export const CordSettings = T.Object({ a: Endpoint, b: Endpoint }, { additionalProperties: false });
export const WireSettings = T.Object(
  { from: Endpoint, to: Endpoint, name: T.Optional(T.String({ maxLength: 64 })) },
  { additionalProperties: false },
);

export const LinecheckSettings = T.Object(
  {
    tolerance_db: T.Number({ minimum: 0.01, maximum: 20, default: 1 }),
    crosstalk_db: T.Number({ minimum: -140, maximum: -10, default: -70 }),
    latency_tolerance_samples: T.Integer({ minimum: 0, maximum: 48000, default: 2 }),
    expected_latency_samples: T.Optional(T.Integer({ minimum: 0, maximum: 48000 })),
    hum_dbfs: T.Number({ minimum: -160, maximum: 0, default: -70 }),
    noise_dbfs: T.Number({ minimum: -160, maximum: 0, default: -70 }),
    /** The patch plan: which source must arrive on which console input (ranges expand pairwise). */
    plan: T.Array(
      T.Object(
        { source: T.String({ minLength: 3 }), input: T.String({ minLength: 3 }) },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const AudioSettings = T.Object(
  {
    backend: T.Union([T.Literal('sim'), T.Literal('portaudio'), T.Literal('jack')], { default: 'sim' }),
    /** portaudio: device name (or part of it); jack: the JACK client whose ports rad uses (default "system"). */
    device: T.Optional(T.String({ minLength: 1 })),
    /** jack: client name of rad's own ports (rad:inport 0 …). */
    jack_client: T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', default: 'rad' }),
    /** jack: wire rad's ports to the device's ports at start (false: the studio wires them). */
    jack_connect: T.Boolean({ default: true }),
    sample_rate: T.Union([T.Literal(44100), T.Literal(48000), T.Literal(88200), T.Literal(96000)], { default: 48000 }),
    block: T.Integer({ minimum: 32, maximum: 8192, default: 480 }),
    window: T.Integer({ minimum: 480, maximum: 65536, default: 4800 }),
    inputs: T.Integer({ minimum: 1, maximum: 128, default: 8 }),
    outputs: T.Integer({ minimum: 1, maximum: 128, default: 8 }),
    alignment_dbfs: T.Number({ minimum: -40, maximum: 0, default: -18 }),
    monitor_mutes: T.Array(T.String({ minLength: 1 }), { default: [] }),
    latency_samples: T.Integer({ minimum: 0, maximum: 48000, default: 0 }),
    /** A tone, measurement or line check asked for while the engine starts waits this long for it. */
    start_timeout_ms: T.Integer({ minimum: 0, maximum: 120000, default: 10000 }),
    /** Interface inputs a print records (the mix bus return), e.g. [1, 2]. */
    print_inputs: T.Array(T.Integer({ minimum: 1, maximum: 128 }), { default: [1, 2], minItems: 1, maxItems: 16 }),
  },
  { additionalProperties: false },
);

/** The room's bridge to the facility's MQTT broker (see README "Many rooms"). */
export const MQTT_VERBS = ['linecheck', 'snapshot', 'scene-recall', 'tone-off'] as const;
export const MqttSettings = T.Object(
  {
    url: T.String({ pattern: '^(mqtts?|wss?)://[^\\s]+$', description: 'mqtt://broker:1883, mqtts://… for TLS' }),
    /** This room's name in topics: rad/<room>/… */
    room: Id,
    base_topic: T.String({
      default: 'rad',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
    }),
    client_id: T.Optional(T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })),
    username: T.Optional(T.String({ minLength: 1 })),
    password: T.Optional(T.String({ minLength: 1 })),
    /** A password in a file (0600) instead of in the settings. */
    password_file: T.Optional(T.String({ minLength: 1 })),
    /** TLS: the broker's CA, and a client certificate + key instead of a password. */
    ca: T.Optional(T.String({ minLength: 1 })),
    cert: T.Optional(T.String({ minLength: 1 })),
    key: T.Optional(T.String({ minLength: 1 })),
    /** Commands on rad/<room>/cmd/<verb> are taken only when true, and only the verbs listed. */
    commands: T.Boolean({ default: false }),
    verbs: T.Array(T.Union(MQTT_VERBS.map((v) => T.Literal(v))), { default: [...MQTT_VERBS], uniqueItems: true }),
    /** Home Assistant MQTT discovery: the room's state, alerts and last line check as sensors. */
    homeassistant: T.Boolean({ default: false }),
    homeassistant_prefix: T.String({ default: 'homeassistant', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    /**
     * Meter summaries at most this often, never per sample. Off by default: a listener makes the
     * engine and the consoles produce meters all the time, which costs CPU on a machine that runs a DAW.
     */
    meters_hz: T.Number({ minimum: 0, maximum: 2, default: 0 }),
    /** Bus events forwarded per second per topic; beyond it they are dropped and counted. */
    events_per_second: T.Integer({ minimum: 1, maximum: 1000, default: 20 }),
    /** Events kept while the broker is away; beyond it they are dropped and counted (retained state is never dropped). */
    outbox: T.Integer({ minimum: 0, maximum: 100000, default: 1000 }),
    /** A device offline this long raises an alert. */
    offline_alert_s: T.Number({ minimum: 1, maximum: 86400, default: 60 }),
  },
  { additionalProperties: false },
);

/** The studio's clock plan: the rate every device must run at, and what the console locks to. */
export const CLOCK_MASTERS = ['internal', 'aes50a', 'aes50b', 'card'] as const;
export const ClockSettings = T.Object(
  {
    /** Default: audio.sample_rate. */
    rate: T.Optional(T.Union([T.Literal(44100), T.Literal(48000), T.Literal(88200), T.Literal(96000)])),
    /** The console's clock source: its own (internal), or locked to AES50 A/B or its card. Unset: not checked. */
    master: T.Optional(T.Union(CLOCK_MASTERS.map((m) => T.Literal(m)))),
  },
  { additionalProperties: false, default: {} },
);

/** Gain staging from the sound check (`rad gain listen|apply`). */
export const GainSettings = T.Object(
  {
    /** Where each input's peaks should land. */
    target_peak_dbfs: T.Number({ minimum: -40, maximum: -1, default: -12 }),
    /** The largest single gain move: bigger changes go in steps, so nothing jumps on the monitors. */
    step_db: T.Number({ minimum: 0.5, maximum: 6, default: 3 }),
    /** An input whose peaks stay under this never played. */
    silence_dbfs: T.Number({ minimum: -120, maximum: -20, default: -60 }),
    /** Peaks at or above this count as clipped. */
    clip_dbfs: T.Number({ minimum: -6, maximum: 0, default: -0.5 }),
  },
  { additionalProperties: false, default: {} },
);

/** Scheduled backups: every day at `schedule` (local time) to `target` (a folder or an rsync destination). */
export const BackupSettings = T.Object(
  {
    schedule: T.Optional(T.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, local time' })),
    target: T.Optional(T.String({ minLength: 1 })),
    /** Re-hash the copy after each scheduled backup. */
    verify: T.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const Settings = T.Object(
  {
    api: ApiSettings,
    paths: PathSettings,
    data_dir: T.String({ minLength: 1, default: './data' }),
    log_level: T.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => T.Literal(l)),
      { default: 'info' },
    ),
    consoles: T.Array(ConsoleSettings, { default: [] }),
    patchbays: T.Array(PatchbaySettings, { default: [] }),
    bays: T.Array(BaySettings, { default: [] }),
    cords: T.Array(CordSettings, { default: [] }),
    wiring: T.Array(WireSettings, { default: [] }),
    audio: T.Optional(AudioSettings),
    profiles_dir: T.Optional(T.String({ minLength: 1 })),
    linecheck: LinecheckSettings,
    sim: SimSettings,
    mqtt: T.Optional(MqttSettings),
    backup: BackupSettings,
    clock: ClockSettings,
    gain: GainSettings,
  },
  { additionalProperties: false },
);

export type Settings = Static<typeof Settings>;
export type ConsoleSettings = Static<typeof ConsoleSettings>;
export type SimSettings = Static<typeof SimSettings>;
export type SimFault = Static<typeof SimFault>;
export type AudioSettings = Static<typeof AudioSettings>;
export type LinecheckSettings = Static<typeof LinecheckSettings>;
export type PatchbaySettings = Static<typeof PatchbaySettings>;
export type BaySettings = Static<typeof BaySettings>;
export type CordSettings = Static<typeof CordSettings>;
export type WireSettings = Static<typeof WireSettings>;
export type MqttSettings = Static<typeof MqttSettings>;
export type BackupSettings = Static<typeof BackupSettings>;
export type ClockSettings = Static<typeof ClockSettings>;
