import { teardown } from './medium-setup';

export default teardown;
