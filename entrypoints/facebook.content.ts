import { facebook } from '@/lib/adapters/facebook';
import { siteContentScript } from '@/lib/content/site-script';

export default siteContentScript(facebook);
