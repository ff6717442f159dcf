import { grpcPeerAddress } from './refusal-limiter';

describe('grpcPeerAddress', () => {
  it.each([
    ['ipv4:10.0.0.7:51234', '10.0.0.7'],
    ['ipv6:[::1]:51234', '::1'],
    ['ipv6:[2001:db8::5]:443', '2001:db8::5'],
    ['127.0.0.1:9000', '127.0.0.1'],
    ['unix:/tmp/grpc.sock', '/tmp/grpc.sock'],
    [undefined, 'unknown'],
  ])('%s → %s (the caller without its port)', (peer, expected) => {
    expect(grpcPeerAddress(peer)).toBe(expected);
  });
});
