// Free loopback ports (shared with the demo command).
export * from '../../source/demo/ports.ts';
