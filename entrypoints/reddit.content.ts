import { reddit } from '@/lib/adapters/reddit';
import { siteContentScript } from '@/lib/content/site-script';

export default siteContentScript(reddit);
