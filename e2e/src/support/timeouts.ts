// End-to-end scenarios start processes and wait on Kafka; bounded waits inside each test say what they
// waited for. (Jest reads `testTimeout` only from the top-level config, not from a project.)
jest.setTimeout(120_000);
