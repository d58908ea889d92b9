/** Level conventions. AES17: a full-scale sine reads 0 dBFS RMS, i.e. raw RMS + 3.01 dB. */
export const AES17_OFFSET_DB = 10 * Math.log10(2);

export const dbToAmp = (db: number): number => 10 ** (db / 20);
export const ampToDb = (a: number): number => (a > 0 ? 20 * Math.log10(a) : Number.NEGATIVE_INFINITY);

/** Peak amplitude of a sine whose AES17 level is `dbfs`. */
export const sinePeak = (dbfs: number): number => dbToAmp(dbfs);

/** Raw RMS of a signal whose AES17 level is `dbfs`. */
export const rawRmsFor = (dbfs: number): number => dbToAmp(dbfs - AES17_OFFSET_DB);

/** AES17 dBFS of a raw RMS value. */
export const rmsToDbfs = (rms: number): number => ampToDb(rms) + AES17_OFFSET_DB;

/** Rounds for reports: -inf stays -inf, else 0.01 dB. */
export const roundDb = (db: number): number => (Number.isFinite(db) ? Math.round(db * 100) / 100 : db);
