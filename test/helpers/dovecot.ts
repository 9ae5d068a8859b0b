// The private Dovecot launcher lives in source/demo (the demo command uses it too).
export * from '../../source/demo/dovecot.ts';
