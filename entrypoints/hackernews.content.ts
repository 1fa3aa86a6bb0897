import { hackernews } from '@/lib/adapters/hackernews';
import { siteContentScript } from '@/lib/content/site-script';

export default siteContentScript(hackernews);
