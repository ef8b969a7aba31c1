#!/usr/bin/env python3
"""Writes the moderation corpus: en.tsv, es.tsv, fr.tsv, de.tsv, pt.tsv beside this script.

Deterministic, no network, standard library only: `python3 generate.py`. The hand-written lines are
below as blocks (one chat line per line); the evasion lines are rendered from a few profane words
and frames (spaced, dotted, leet, repeated letters, accents, fullwidth, Cyrillic look-alikes,
zero-width characters, capitals, self-censoring, mathematical alphanumerics, combining marks).
See README.md for the format, the categories, the split rule and the labelling rules.
"""

import os

# ---------------------------------------------------------------------------------------------
# The 315 lines of the engine's first corpus, as they were (categories re-filed in english()).
LEGACY = [
    ('allow', 'clean', 'gg everyone, that was a great stream'),
    ('allow', 'clean', 'what game are we playing next?'),
    ('allow', 'clean', 'hello from Brazil!'),
    ('allow', 'clean', 'lol that jump was insane'),
    ('allow', 'clean', 'can you turn the music down a bit'),
    ('allow', 'clean', 'first time here, loving the vibe'),
    ('allow', 'clean', 'how long have you been streaming today'),
    ('allow', 'clean', 'that boss fight was epic'),
    ('allow', 'clean', 'anyone else watching from work'),
    ('allow', 'clean', 'good morning chat'),
    ('allow', 'clean', 'brb getting coffee'),
    ('allow', 'clean', 'is this the new update?'),
    ('allow', 'clean', 'the graphics look amazing on this map'),
    ('allow', 'clean', 'thanks for the raid!'),
    ('allow', 'clean', 'happy birthday to the mod team'),
    ('allow', 'clean', 'what keyboard do you use'),
    ('allow', 'clean', "I can't believe he missed that shot"),
    ('allow', 'clean', 'this song slaps'),
    ('allow', 'clean', 'can we get a poll for the next game'),
    ('allow', 'clean', 'shoutout to everyone in chat'),
    ('allow', 'clean', "i'm so hyped for the tournament"),
    ('allow', 'clean', "what's the schedule for this week"),
    ('allow', 'clean', 'the chat is moving so fast'),
    ('allow', 'clean', 'that was a clutch play'),
    ('allow', 'clean', "let's go team!"),
    ('allow', 'clean', 'new sub here, hello!'),
    ('allow', 'clean', 'do you have a discord server'),
    ('allow', 'clean', 'how do you get past the second level'),
    ('allow', 'clean', 'the lag is real today'),
    ('allow', 'clean', 'nice outfit in the intro'),
    ('allow', 'clean', 'who won the last match'),
    ('allow', 'clean', 'can you explain the strategy again'),
    ('allow', 'clean', 'I just got home, what did I miss'),
    ('allow', 'clean', 'this is my favourite channel'),
    ('allow', 'clean', 'what settings do you stream with'),
    ('allow', 'clean', 'the audio is a bit quiet'),
    ('allow', 'clean', 'are you doing a giveaway later'),
    ('allow', 'clean', "that's a smart move"),
    ('allow', 'clean', 'great analysis of the match'),
    ('allow', 'clean', 'i think the left path is faster'),
    ('allow', 'clean', 'wow the sunset in this game'),
    ('allow', 'clean', 'what time zone are you in'),
    ('allow', 'clean', 'hope you feel better soon'),
    ('allow', 'clean', "can't wait for the next episode"),
    ('allow', 'clean', 'this patch nerfed my main'),
    ('allow', 'clean', 'do you play ranked on weekends'),
    ('allow', 'clean', 'love the new overlay'),
    ('allow', 'clean', 'the camera angle is perfect now'),
    ('allow', 'clean', 'i agree with the previous comment'),
    ('allow', 'clean', 'that puzzle took me hours'),
    ('allow', 'clean', 'how many hours in this save file'),
    ('allow', 'clean', 'the soundtrack is beautiful'),
    ('allow', 'clean', 'good luck in the finals'),
    ('allow', 'clean', 'that was so wholesome'),
    ('allow', 'clean', 'which character is your favourite'),
    ('allow', 'clean', 'the community here is awesome'),
    ('allow', 'clean', 'we need more speedruns'),
    ('allow', 'clean', 'try the shield upgrade first'),
    ('allow', 'clean', 'did you see the trailer yesterday'),
    ('allow', 'clean', 'my cat is watching the stream with me'),
    ('allow', 'clean', "i'm learning so much from these tutorials"),
    ('allow', 'clean', 'hello everyone, how are you all doing'),
    ('allow', 'clean', 'this map is huge'),
    ('allow', 'clean', 'the new season starts tomorrow'),
    ('allow', 'clean', 'what a comeback!'),
    ('allow', 'clean', 'can you show the build order'),
    ('allow', 'clean', 'that glitch was hilarious'),
    ('allow', 'clean', 'take a break, you earned it'),
    ('allow', 'clean', 'nice to meet you all'),
    ('allow', 'clean', 'the weather here is terrible today'),
    ('allow', 'clean', 'my team lost again lol'),
    ('allow', 'clean', "is there a replay of yesterday's stream"),
    ('allow', 'clean', 'the chat emotes are so cute'),
    ('allow', 'clean', 'hype hype hype'),
    ('allow', 'clean', 'this strategy is genius'),
    ('allow', 'clean', 'who else is eating dinner right now'),
    ('allow', 'clean', 'the final boss has three phases'),
    ('allow', 'clean', 'that was a close one'),
    ('allow', 'clean', "please don't leave us on a cliffhanger"),
    ('allow', 'clean', "i'm rooting for the blue team"),
    ('allow', 'clean', 'your voice is so calming'),
    ('allow', 'clean', 'can we play with viewers later'),
    ('allow', 'clean', 'ok lol'),
    ('allow', 'clean', 'nice'),
    ('allow', 'clean', ':)'),
    ('allow', 'clean', 'W'),
    ('allow', 'clean', 'the classic version is better'),
    ('allow', 'clean', 'I read that article on the bus'),
    ('allow', 'clean', "we're going to Essex this summer"),
    ('allow', 'clean', 'my grandma lives in Sussex'),
    ('allow', 'lookalike', 'the assassin class is overpowered'),
    ('allow', 'lookalike', 'Scunthorpe United won on Saturday'),
    ('allow', 'lookalike', 'this cocktail recipe looks great'),
    ('allow', 'lookalike', 'the cockpit view is so immersive'),
    ('allow', 'lookalike', 'Dickens wrote great stories'),
    ('allow', 'lookalike', 'shiitake mushrooms are delicious'),
    ('allow', 'lookalike', 'pass it to the left'),
    ('allow', 'lookalike', 'my therapist recommended this game'),
    ('allow', 'lookalike', 'grape juice is underrated'),
    ('allow', 'lookalike', 'the bass drop in that song'),
    ('allow', 'lookalike', 'Hancock was a great movie'),
    ('allow', 'lookalike', 'the document is on the shared drive'),
    ('allow', 'lookalike', 'peacock feathers in the background'),
    ('allow', 'lookalike', 'the arsenal of weapons is massive'),
    ('allow', 'lookalike', 'a compass would help in this cave'),
    ('allow', 'lookalike', 'cumulative score is what matters'),
    ('allow', 'lookalike', 'given the circumstances it was fine'),
    ('allow', 'lookalike', "let's assemble the squad"),
    ('allow', 'lookalike', 'I assume the servers are down'),
    ('allow', 'lookalike', 'that title screen is gorgeous'),
    ('allow', 'lookalike', 'play the passion project next'),
    ('allow', 'lookalike', 'my scrapbook of screenshots'),
    ('allow', 'lookalike', 'the analysis of the meta was spot on'),
    ('allow', 'lookalike', 'hello shell scripting fans'),
    ('allow', 'lookalike', 'press the button twice'),
    ('allow', 'lookalike', 'Moby Dick is a long book'),
    ('allow', 'lookalike', 'the raccoon stole my sandwich'),
    ('allow', 'lookalike', 'spic and span kitchen tour next?'),
    ('allow', 'lookalike', 'the bassist in that band is great'),
    ('allow', 'lookalike', 'we had a blast at the con'),
    ('allow', 'lookalike', 'this game is a real hoot'),
    ('allow', 'lookalike', "he's a pro at this"),
    ('allow', 'lookalike', 'the title says it all'),
    ('allow', 'lookalike', "I'm Japanese and love this game"),
    ('allow', 'lookalike', 'the peacock is my favourite bird'),
    ('flag', 'profanity', 'stop being a fuck'),
    ('flag', 'profanity', 'you are a fuck'),
    ('flag', 'profanity', 'fuck off'),
    ('flag', 'profanity', 'shit this game'),
    ('flag', 'profanity', 'what the shit'),
    ('flag', 'profanity', 'such a shit move'),
    ('flag', 'profanity', 'stop being a bitch'),
    ('flag', 'profanity', 'bitch this game'),
    ('flag', 'profanity', 'bitch!!'),
    ('flag', 'profanity', 'cunt this game'),
    ('flag', 'profanity', 'what the cunt'),
    ('flag', 'profanity', 'cunt off'),
    ('flag', 'profanity', 'motherfucker off'),
    ('flag', 'profanity', 'what the motherfucker'),
    ('flag', 'profanity', 'motherfucker!!'),
    ('flag', 'profanity', 'what the asshole'),
    ('flag', 'profanity', 'such a asshole move'),
    ('flag', 'profanity', 'asshole off'),
    ('flag', 'profanity', 'whore this game'),
    ('flag', 'profanity', 'what the whore'),
    ('flag', 'profanity', 'whore!!'),
    ('flag', 'profanity', 'slut you'),
    ('flag', 'profanity', 'slut this game'),
    ('flag', 'profanity', 'slut off'),
    ('flag', 'profanity', 'dickhead this game'),
    ('flag', 'profanity', 'dickhead!!'),
    ('flag', 'profanity', 'dickhead you'),
    ('flag', 'profanity', 'such a pussy move'),
    ('flag', 'profanity', 'you are a pussy'),
    ('flag', 'profanity', 'this is pussy great'),
    ('flag', 'evasion:spaced', 'f u c k off'),
    ('flag', 'evasion:dotted', 'you are a f.u.c.k'),
    ('flag', 'evasion:leet', 'such a fuck move'),
    ('flag', 'evasion:repeat', 'what the fuuuuuck'),
    ('flag', 'evasion:fullwidth', '\uff46\uff55\uff43\uff4b you'),
    ('flag', 'evasion:cyrillic', 'this is fu\u0441k great'),
    ('flag', 'evasion:zero-width', 'such a fu\u200bck move'),
    ('flag', 'evasion:accents', 'you are a f\xfcck'),
    ('flag', 'evasion:self-censored', 'what the f*ck'),
    ('flag', 'evasion:upper', 'FUCK you'),
    ('flag', 'evasion:spaced', 's h i t you'),
    ('flag', 'evasion:dotted', 's.h.i.t!!'),
    ('flag', 'evasion:leet', 'stop being a 5h1t'),
    ('flag', 'evasion:repeat', 'what the shiiiiit'),
    ('flag', 'evasion:fullwidth', 'such a \uff53\uff48\uff49\uff54 move'),
    ('flag', 'evasion:cyrillic', 'what the shit'),
    ('flag', 'evasion:zero-width', 'sh\u200bit you'),
    ('flag', 'evasion:accents', 'sh\xedt this game'),
    ('flag', 'evasion:self-censored', 's*it you'),
    ('flag', 'evasion:upper', 'SHIT!!'),
    ('flag', 'evasion:spaced', 'holy b i t c h'),
    ('flag', 'evasion:dotted', 'such a b.i.t.c.h move'),
    ('flag', 'evasion:leet', 'b1tch off'),
    ('flag', 'evasion:repeat', 'stop being a biiiiitch'),
    ('flag', 'evasion:fullwidth', 'holy \uff42\uff49\uff54\uff43\uff48'),
    ('flag', 'evasion:cyrillic', 'bit\u0441h you'),
    ('flag', 'evasion:zero-width', 'holy bi\u200btch'),
    ('flag', 'evasion:accents', 'stop being a b\xedtch'),
    ('flag', 'evasion:self-censored', 'this is b*tch great'),
    ('flag', 'evasion:upper', 'BITCH!!'),
    ('flag', 'evasion:spaced', 'you are a c u n t'),
    ('flag', 'evasion:dotted', 'c.u.n.t!!'),
    ('flag', 'evasion:leet', 'what the cunt'),
    ('flag', 'evasion:repeat', 'cuuuuunt you'),
    ('flag', 'evasion:fullwidth', 'this is \uff43\uff55\uff4e\uff54 great'),
    ('flag', 'evasion:cyrillic', 'such a \u0441unt move'),
    ('flag', 'evasion:zero-width', 'holy cu\u200bnt'),
    ('flag', 'evasion:accents', 'stop being a c\xfcnt'),
    ('flag', 'evasion:self-censored', 'holy c*nt'),
    ('flag', 'evasion:upper', 'this is CUNT great'),
    ('flag', 'evasion:spaced', 'm o t h e r f u c k e r you'),
    ('flag', 'evasion:dotted', 'what the m.o.t.h.e.r.f.u.c.k.e.r'),
    ('flag', 'evasion:leet', 'what the m0th3rfuck3r'),
    ('flag', 'evasion:repeat', 'such a moooootherfucker move'),
    ('flag', 'evasion:fullwidth', '\uff4d\uff4f\uff54\uff48\uff45\uff52\uff46\uff55\uff43\uff4b\uff45\uff52 off'),
    ('flag', 'evasion:cyrillic', 'you are a m\u043eth\u0435rfu\u0441k\u0435r'),
    ('flag', 'evasion:zero-width', 'stop being a mo\u200btherfucker'),
    ('flag', 'evasion:accents', 'you are a m\xf6therf\xfccker'),
    ('flag', 'evasion:self-censored', 'holy m*therfucker'),
    ('flag', 'evasion:upper', 'MOTHERFUCKER off'),
    ('flag', 'evasion:spaced', 'a s s h o l e this game'),
    ('flag', 'evasion:dotted', 'what the a.s.s.h.o.l.e'),
    ('flag', 'evasion:leet', 'such a 455h0l3 move'),
    ('flag', 'evasion:repeat', 'aaaaasshole you'),
    ('flag', 'evasion:fullwidth', 'stop being a \uff41\uff53\uff53\uff48\uff4f\uff4c\uff45'),
    ('flag', 'evasion:cyrillic', 'stop being a \u0430ssh\u043el\u0435'),
    ('flag', 'evasion:zero-width', 'stop being a as\u200bshole'),
    ('flag', 'evasion:accents', '\xe1ssh\xf6le you'),
    ('flag', 'evasion:self-censored', 'holy a*shole'),
    ('flag', 'evasion:upper', 'ASSHOLE you'),
    ('flag', 'evasion:spaced', 'holy w h o r e'),
    ('flag', 'evasion:dotted', 'what the w.h.o.r.e'),
    ('flag', 'evasion:leet', 'what the wh0r3'),
    ('flag', 'evasion:repeat', 'this is whooooore great'),
    ('flag', 'evasion:fullwidth', 'holy \uff57\uff48\uff4f\uff52\uff45'),
    ('flag', 'evasion:cyrillic', 'what the wh\u043er\u0435'),
    ('flag', 'evasion:zero-width', 'wh\u200bore this game'),
    ('flag', 'evasion:accents', 'this is wh\xf6re great'),
    ('flag', 'evasion:self-censored', 'w*ore you'),
    ('flag', 'evasion:upper', 'holy WHORE'),
    ('flag', 'evasion:spaced', 'this is s l u t great'),
    ('flag', 'evasion:dotted', 's.l.u.t off'),
    ('flag', 'evasion:leet', 'stop being a 5lut'),
    ('flag', 'evasion:repeat', 'sluuuuut this game'),
    ('flag', 'evasion:fullwidth', 'holy \uff53\uff4c\uff55\uff54'),
    ('flag', 'evasion:cyrillic', 'stop being a slut'),
    ('flag', 'evasion:zero-width', 'you are a sl\u200but'),
    ('flag', 'evasion:accents', 'sl\xfct you'),
    ('flag', 'evasion:self-censored', 'what the s*ut'),
    ('flag', 'evasion:upper', 'holy SLUT'),
    ('flag', 'evasion:spaced', 'd i c k h e a d this game'),
    ('flag', 'evasion:dotted', 'd.i.c.k.h.e.a.d!!'),
    ('flag', 'evasion:leet', 'this is d1ckh34d great'),
    ('flag', 'evasion:repeat', 'you are a diiiiickhead'),
    ('flag', 'evasion:fullwidth', '\uff44\uff49\uff43\uff4b\uff48\uff45\uff41\uff44!!'),
    ('flag', 'evasion:cyrillic', 'di\u0441kh\u0435\u0430d off'),
    ('flag', 'evasion:zero-width', 'di\u200bckhead off'),
    ('flag', 'evasion:accents', 'holy d\xedckhe\xe1d'),
    ('flag', 'evasion:self-censored', 'what the d*ckhead'),
    ('flag', 'evasion:upper', 'you are a DICKHEAD'),
    ('flag', 'evasion:spaced', 'holy p u s s y'),
    ('flag', 'evasion:dotted', 'p.u.s.s.y off'),
    ('flag', 'evasion:leet', 'such a pu55y move'),
    ('flag', 'evasion:repeat', 'this is puuuuussy great'),
    ('flag', 'evasion:fullwidth', 'you are a \uff50\uff55\uff53\uff53\uff59'),
    ('flag', 'evasion:cyrillic', '\u0440ussy off'),
    ('flag', 'evasion:zero-width', 'such a pu\u200bssy move'),
    ('flag', 'evasion:accents', 'this is p\xfcssy great'),
    ('flag', 'evasion:self-censored', 'p*ssy off'),
    ('flag', 'evasion:upper', 'stop being a PUSSY'),
    ('allow', 'link-allowed', 'watch my clips at https://clips.example.com/best'),
    ('allow', 'link-allowed', 'the schedule is on example.com/schedule'),
    ('allow', 'link-allowed', 'follow me on twitch.tv/somebody'),
    ('allow', 'link-allowed', 'VOD: https://www.twitch.tv/videos/123'),
    ('allow', 'link-allowed', 'docs at http://example.com'),
    ('allow', 'link-allowed', 'see www.example.com for rules'),
    ('allow', 'link-allowed', 'highlights: example.com/h?id=4'),
    ('allow', 'link-allowed', 'twitch.tv is where I stream'),
    ('allow', 'link-allowed', 'https://example.com/a/b/c works'),
    ('allow', 'link-allowed', 'rules at https://EXAMPLE.com/rules'),
    ('flag', 'link-refused', 'free skins at https://free-skins.ru/claim'),
    ('flag', 'link-refused', 'check out bit.ly/3abcde'),
    ('flag', 'link-refused', 'my channel youtube.com/@someone'),
    ('flag', 'link-refused', 'buy followers at followers4u.net'),
    ('flag', 'link-refused', 'go to http://example.com.evil.io/login'),
    ('flag', 'link-refused', 'join discord.gg/abcdef'),
    ('flag', 'link-refused', 'visit evil-example.com now'),
    ('flag', 'link-refused', 'download at mega.nz/file/xyz'),
    ('flag', 'link-refused', 'cheap coins: coinsale.shop'),
    ('flag', 'link-refused', 'login here: https://twltch.tv/verify'),
    ('flag', 'spam', 'WHY IS NOBODY ANSWERING MY QUESTION'),
    ('flag', 'spam', 'THIS IS THE BEST STREAM EVER HONESTLY'),
    ('flag', 'spam', 'STOP STOP STOP STOP STOP STOP'),
    ('flag', 'spam', 'LOOK AT THE CHAT EVERYBODY NOW'),
    ('flag', 'spam', 'HELLO HELLO HELLO IS ANYONE HERE'),
    ('flag', 'spam', 'gooooooooooooooooooal'),
    ('flag', 'spam', 'lolololololol!!!!!!!!!!!!!!!!!'),
    ('flag', 'spam', 'aaaaaaaaaaaaaaaaaaaaaaaa'),
    ('flag', 'spam', '?????????????????????'),
    ('flag', 'spam', 'wowwwwwwwwwwwwwwwwwwwww'),
    ('flag', 'spam', 'NOOOOOOOOOOOOOOOOOOOOOO'),
    ('flag', 'spam', 'hahahaha that was funnnnnnnnnnnnnnnny'),
    ('allow', 'spam-lookalike', 'LOL'),
    ('allow', 'spam-lookalike', 'GG WP'),
    ('allow', 'spam-lookalike', 'OMG'),
    ('allow', 'spam-lookalike', 'NA servers'),
    ('allow', 'spam-lookalike', 'I love the USA'),
    ('allow', 'spam-lookalike', 'lol'),
    ('allow', 'spam-lookalike', 'haha nice'),
    ('allow', 'spam-lookalike', 'goooal'),
    ('allow', 'spam-lookalike', 'wowww'),
    ('allow', 'spam-lookalike', 'that was so good!!!'),
    ('flag', 'blocked-term', 'SPOILER: he was the villain'),
    ('flag', 'blocked-term', 'spoilers ahead!'),
    ('flag', 'blocked-term', 's p o i l e r alert'),
    ('flag', 'blocked-term', 'sp0iler: she wins'),
    ('flag', 'blocked-term', 'spoooiler incoming'),
    ('flag', 'blocked-term', 'crypto giveaway in my bio'),
    ('flag', 'blocked-term', 'join the CRYPTO GIVEAWAY now'),
    ('flag', 'blocked-term', 'free vbucks here'),
    ('flag', 'blocked-term', 'FREE V-BUCKS for everyone'),
    ('flag', 'blocked-term', 'free v bucks click me'),
    ('allow', 'blocked-lookalike', 'no spoils of war here'),
    ('allow', 'blocked-lookalike', 'despoil the land'),
    ('allow', 'blocked-lookalike', 'the giveaway winner was announced'),
    ('allow', 'blocked-lookalike', 'free time after the stream'),
    ('allow', 'blocked-lookalike', 'my crypto course is boring'),
    ('allow', 'blocked-lookalike', 'buckle up everyone'),
    ('allow', 'blocked-lookalike', 'I spoil my dog'),
    ('allow', 'blocked-lookalike', 'spoilt for choice'),
]

# ---------------------------------------------------------------------------------------------
# English, new lines.
EN_CLEAN = """
that last round was unreal, well played
which server are you on tonight
the new patch notes are out
can you check the minimap for a second
I main support, healing is underrated
my ping is terrible on this wifi
we need a tank for the raid tonight
the speedrun record just got beaten by two seconds
who is casting the finals this weekend
the draft phase took forever
nice save by the keeper
that was a beautiful free kick
the referee missed a clear handball
Liverpool looked sharp in the second half
Real Madrid have won it again
the Lakers need a better bench
what a three pointer from the corner
the Tour de France mountain stages are brutal
Wimbledon starts next week
the cricket score is 245 for 6
my brother plays rugby on Sundays
the marathon was on TV all morning
Formula 1 qualifying was chaotic
the Super Bowl halftime show was fun
ice hockey playoffs are so intense
who do you think wins the Champions League
the new stadium looks incredible
I made lasagna for dinner
pancakes with maple syrup are the best breakfast
anyone tried the ramen place downtown
I'm eating sushi while watching
pizza with pineapple is fine, fight me
my mum makes the best curry
the croissants in Paris are unbeatable
I had tacos al pastor for lunch
homemade bread takes so long to rise
this stream pairs well with hot chocolate
I'm on my third cup of tea
we ordered dumplings and spring rolls
the pho here is amazing
baking cookies with my kids right now
greetings from Toronto
hello from Manila
watching from Lagos, Nigeria
hi from Melbourne, it's 3am here
good evening from Berlin
Sydney checking in
hola from Buenos Aires
hi from Mumbai, love the stream
greetings from Oslo, it's snowing
hello from Cape Town
I live near Lake Geneva
my family is from Kraków
we visited Reykjavik last winter
Istanbul is beautiful in spring
the food in Lisbon was amazing
I moved to Vancouver last year
hi from a tiny village in Wales
Seoul has the best internet
greetings from Nairobi
Maria and José say hi
shoutout to Priya for the gifted subs
Kenji just raided with 40 viewers
thanks Olga for the donation
Mohammed carried that whole match
welcome back Siobhan
happy birthday Aleksandr!
Chloe is the best mod ever
did Tomás join the call yet
Ngozi made the fan art in the header
Marie Curie won two Nobel prizes
Ada Lovelace wrote the first program
the mitochondria is the powerhouse of the cell
black holes bend light around them
photosynthesis turns light into sugar
the speed of light is about 300,000 km per second
DNA has a double helix structure
Jupiter has at least 95 moons
plate tectonics explains earthquakes
water boils at a lower temperature on mountains
the periodic table has 118 elements
octopuses have three hearts
the Voyager probes are still sending data
CRISPR changed genetics research
vaccines train the immune system
bonjour tout le monde
hola a todos, ¿qué tal?
guten Abend aus Hamburg
olá pessoal, tudo bem?
ciao a tutti dall'Italia
こんにちは from Tokyo
안녕하세요 everyone
привет из Москвы
merhaba from Ankara
salut, ça va?
danke für den Stream
obrigado pelo conteúdo
gracias por el stream
namaste from Delhi
the inventory system is so clunky
do you use a controller or mouse and keyboard
the frame rate dropped during that cutscene
I love the art style of this indie game
crafting in this game takes forever
finally got the platinum trophy
the dungeon layout changes every run
the final level made me rage quit twice
which difficulty are you playing on
the co-op mode is way more fun
what's your sensitivity setting
stealth builds are the most fun
this remaster looks better than I remember
the hitboxes in this game are weird
has anyone beaten the secret boss
the open world feels so alive
my favourite weapon is the longbow
the physics engine is hilarious
I preordered the deluxe edition
the save corrupted and I lost ten hours
the loading screens are really short now
the quest log is confusing
I just hit level 50
I can't find the last collectible
the skill tree is huge
that parry timing is so tight
tell us about your setup
how long did it take to learn to draw like that
the colour palette on this painting is lovely
your cat just walked across the keyboard
the dog is barking at the mailman again
my plants finally started flowering
I'm learning guitar because of your streams
the book club pick this month is great
can you recommend a good podcast
I just finished my exams
working the night shift, keeping me awake
studying for a chemistry test with the stream on
my kid thinks you're the coolest
I'm knitting a scarf while watching
just adopted a puppy
the new album drops on Friday
this remix is fire
can you play some lo-fi beats
the concert last night was incredible
I've had this song stuck in my head all week
are you going to the convention this year
the cosplay contest was amazing
thanks for answering my question earlier
sorry I missed the start, what happened
how's the weather where you are
this is my comfort stream
we should do a charity stream
I appreciate the effort you put into this
great job everyone, see you tomorrow
goodnight chat
take care everyone
that was a fun session
the mods are doing a great job today
please keep chat friendly
remember to stay hydrated
what do the channel points do
can we vote on the next challenge
that prediction was a coin flip
I bet all my points on blue
the giveaway rules are in the panel
congrats on 1000 followers
the emote only mode was funny
this community is so kind
you explained that really clearly
the tutorial finally makes sense
I'm going to try that recipe tomorrow
that trick shot was luck
respect for not giving up
the comeback in the fourth quarter was legendary
that goalkeeper is a wall
the penalty shootout gave me a heart attack
the chess opening he played was the Sicilian
that knight fork was brilliant
the puzzle rush score is climbing
he sacrificed the queen and still won
the grandmaster found mate in four
I can't believe it went to overtime
my fantasy team is doing terribly
the underdogs won it all
the crowd noise is deafening
the coach called a timeout
good game, see you next week
the moon looks huge tonight
I saw the northern lights once in Norway
the volcano in Iceland erupted again
hurricanes are getting stronger every year
the tide was really low this morning
penguins huddle together to stay warm
the rainforest has so much biodiversity
I'm reading about ancient Egypt
the Roman aqueducts still stand
the printing press changed everything
my grandad fought in the war, he has great stories
the museum had a dinosaur skeleton
the library opens late on Thursdays
the train was delayed again
my flight got cancelled, streaming from the airport
road trip playlist suggestions please
hiking up the mountain tomorrow
the beach was packed today
we're camping by the lake this weekend
I finally fixed my bike
the garden is full of tomatoes this year
it's raining so hard here
I need a new desk chair
my keyboard's space bar is sticking
what microphone do you use
your lighting setup looks professional
the stream quality is crisp today
the overlay timer is off by a minute
the chat bot is glitching
can you pin the schedule
I clipped that moment
I'll share the clip with the mods
you should make a highlight reel
"""
EN_SCUNTHORPE = """
Scunthorpe beat Grimsby last night
my cousin works at the steelworks in Scunthorpe
the train to Scunthorpe was late again
anyone here from Scunthorpe?
Penistone is a lovely market town in Yorkshire
we drove through Penistone on the way to Sheffield
Penistone Grammar School has a great choir
Clitheroe Castle is worth a visit
my nan lives just outside Clitheroe
the Clitheroe food festival is this weekend
Shitterton is a tiny hamlet in Dorset
the sign for Shitterton keeps getting stolen
Cockermouth was flooded a few years ago
Wordsworth was born in Cockermouth
Cockfosters is the last stop on the Piccadilly line
change at Cockfosters for the bus
Lightwater is a quiet village in Surrey
we went running at Lightwater Country Park
Middlesex won the county championship
I studied at Middlesex University
Wessex is the setting of Thomas Hardy's novels
the Essex coast is great for birdwatching
Sussex by the Sea is a cheerful march
Titchfield Abbey is in Hampshire
MotoGP at Assen was a great race
Assen is called the cathedral of speed
Cumbria has the best lakes in England
we hiked in Cumbernauld last weekend
Cumnock is near Ayr
Tallahassee is the capital of Florida
Massachusetts has great seafood
Arkansas and Kansas are not pronounced the same
the Wankdorf stadium in Bern is huge
Dagobah is where Luke trains with Yoda
Pakistani food is incredible, try the biryani
the Pakistan cricket team played well
Japanese cuisine is my favourite
I'm learning Japanese for my trip
the Japan Grand Prix is at Suzuka
the Panama Canal opened in 1914
we took a boat down the Grand Canal in Venice
Uranus is the seventh planet
Lake Titicaca is on the border of Peru and Bolivia
Marseille has a beautiful old port
Charles Dickens wrote Great Expectations
A Christmas Carol is very Dickensian
Emily Dickinson wrote a lot of poems
Bruce Cockburn is a great Canadian songwriter
Alfred Hitchcock directed Psycho
Herbie Hancock is a jazz legend
Glasscock County is in Texas
Babcock was a famous chemist
Camille Pissarro painted beautiful landscapes
Picasso had a blue period
e. e. cummings wrote poems without capitals
Dominic Cummings was in the news again
Anne Sexton was a confessional poet
Kinoshita is a common surname in Japan
Matsushita founded Panasonic
the shinkansen stopped at Yamashita station
Takeshita Street in Harajuku is always crowded
Miyashita Park has a rooftop skate park
Morishita scored in the derby
shiitake mushrooms are great in ramen
shitake or shiitake, which spelling is right
I put shiitake in the stir fry
cocktail hour starts at six
this cocktail recipe needs fresh lime
the cockatoo at the zoo could talk
cockroaches survive everything
a cockney accent is hard to fake
cockles and mussels at the seaside
the peacock spread its tail feathers
the badminton shuttlecock is made of feathers
a woodcock is hard to spot in the forest
the pilot left the cockpit for a minute
pasta e fagioli is a classic Italian soup
a cucumber sandwich with the tea
cucumbers grow fast in the greenhouse
cumulus clouds usually mean fair weather
a cumulonimbus can reach the stratosphere
the cumulative points decide the winner
the circumference of the earth is about 40,000 km
under the circumstances, a draw is fine
the incumbent won the election
I almost succumbed to the urge to buy it
this old armour is cumbersome to move in
I'll send the document tonight
the documentary about whales was beautiful
the documentation is really clear
dust accumulates on the fan
the assassin class has the best mobility
Assassin's Creed has beautiful cities
the ambassador gave a speech
I'm taking a pottery class
my classmates are watching too
that's a classic move
classical music helps me study
the bass line in this track is groovy
bass fishing on the lake this morning
the bassoon solo in that symphony
pass the ball to the striker
I forgot my password again
my passport expires next month
the passengers were stuck for an hour
I assume the servers are back up
can you assist me with the settings
the essay is due on Friday
I need to assess my build
the game assets look hand painted
the embassy is closed on Sunday
a massive update dropped today
critical mass was reached
grass types are weak to fire
glass cannon builds are fun but risky
a brass band played at the parade
the compass points north
we bypassed the first boss
she's so sassy in that cutscene
a cowboy with a lasso
I found an old cassette in the attic
this casserole needs more cheese
Jurassic Park still holds up
bananas have potassium
molasses makes the cookies chewy
the hassle of updating drivers
the classroom was freezing
trespassing on private land
the Titanic sank in 1912
titanium is very light and strong
the title of the book is misleading
the Titans won on the last play
the competition was fierce
the petition got a million signatures
I have no appetite today
the constitution was signed in 1787
I'm studying at the institute of technology
he came on as a substitute
repetition helps you learn
I need to stitch this hoodie
great attitude from the whole team
at this altitude the air is thin
the latitude of Oslo is almost 60 degrees north
gratitude to everyone who donated
the quantity matters more than quality here
a practitioner of martial arts
superstition says don't walk under ladders
the analysis of the match was spot on
my analyst friend loves spreadsheets
an analog clock on the wall
that analogy really helped
the analytics dashboard shows the viewers
psychoanalysis was founded by Freud
a banal conversation about the weather
homogeneous mixtures look the same everywhere
there and their are homophones
homonyms confuse my students
grapefruit for breakfast
I heard it through the grapevine
hang the drapes in the living room
scrape the ice off the windshield
the trapeze artist was amazing
therapeutic music helps me sleep
a sextant helps sailors navigate
the jazz sextet played all night
the snail is in its shell
we found a seashell on the beach
eggshell white walls
shellfish allergy is no joke
Michelle is the new moderator
Rochelle made the emotes
Mary Shelley wrote Frankenstein
scrap metal is worth money
this skyscraper is the tallest in town
the scrappy underdog team won
we caught a crappie at the pond
fire retardant gel on the set
mustard on a hot dog
custard tarts from the bakery
the Tardis is bigger on the inside
a leotard for gymnastics
sorry I'm tardy, the bus was late
he's sniggering at the back of the class
spice up the chili
this curry is too spicy for me
she left without being conspicuous
an auspicious start to the season
Spica is the brightest star in Virgo
I have a suspicion he's the traitor
the caterpillar made a cocoon
the tycoon bought another company
the Wankel engine is a rotary design
that hotel lobby is swanky
a penny farthing bicycle
fartlek training improves speed
see you on Saturday
the table is sturdy enough
Uranus has rings too
the episode ended on a cliffhanger
sodium chloride is table salt
the doorknob fell off
a prickly pear cactus
a screwdriver set for the PC build
the pussycat slept in the sun
shaggy dog stories are the best
arsenic was a popular poison in novels
Arsenal play at the Emirates
parse the JSON first
the forest gets sparse up north
don't get cocky, the boss has a second phase
butter the toast while it's hot
the buttress holds the wall up
Butte is a city in Montana
the rebuttal was convincing
"""
EN_AMBIGUOUS_INNOCENT = """
the cock crowed at dawn in the farm level
the cocks in our village crow at five every morning
cock the crossbow before you aim
a great tit is nesting in our garden box
blue tits and great tits are common garden birds
tit for tat, he took my tower so I took his
tit for tat strategies work in game theory
Dick is my uncle's name
Dick Cheney was vice president under Bush
Philip K. Dick wrote the book Blade Runner is based on
Dick Grayson was the first Robin
Dick Van Dyke was in Mary Poppins
Dick Turpin was a famous highwayman
the Dick Whittington pantomime was hilarious
screw the lid back on the jar
you need a longer screw for that shelf
there's a loose screw on the monitor mount
a garden hoe works better than a rake here
rakes and hoes go in the shed
balls of yarn everywhere, my cat loves them
the juggler dropped all three balls
the ball boy brought new balls onto court
wild asses live in the deserts of Asia
in the old story the ass carries the farmer's load
she graduated summa cum laude
he finished magna cum laude in physics
Alan Cumming was great in that show
turn the volume knob to the right
add a knob of butter to the pan
tweak the knobs on the synth until it sounds right
Fanny is my grandmother's name
I wear a fanny pack at festivals
a cracker with cheese is the perfect snack
we pulled Christmas crackers and wore paper hats
animal crackers were my favourite as a kid
the hooker has to win the ball in the scrum
John Lee Hooker played the blues like nobody else
jerk chicken from the food truck
prick the sausages before you grill them
I got a prick from the cactus
prick up your ears, the boss music is starting
a bloody nose after that fall
homo sapiens evolved in Africa
Homo erectus used fire
the bastard sword scales with strength
a bastard file is a coarse metal file
there's a chink in the armour of their defence
slag heaps near the old mine
the Maine Coon is a huge cat breed
the Dutch built a dyke to hold back the sea
Willy Wonka and the chocolate factory
Free Willy was my favourite film as a kid
a shag carpet from the seventies
a shag is a seabird like a cormorant
they laid new sod on the pitch
she showed real spunk in that final round
the knee jerk reaction was to blame the ref
anal fins help the fish stay stable
Ed Balls was on the dance show
don't forget to screw in the lightbulb
Dick's Sporting Goods had a sale
the golden cock is the symbol of France
the weathervane has a cock on top
Dick Francis wrote horse racing thrillers
hooker is the hardest position in rugby
"""

EN_AMBIGUOUS_INSULT = """
you dick
stop being a dick
don't be such a dick about it
what a dick move from the mods
you absolute dick
such a prick
don't be a prick
what a prick, he spawn camped the whole game
you prick
what a cock
you cock
shut up you cock
you absolute knob
what a knob
such a knob
shut up you ass
you're an ass
what an ass
don't be an ass
you bastard
what a bastard
you're a bastard for that
he's such a tit
you tit
what a tit
shut up you tit
you hoe
stop being a hoe
she's a hoe
you homo
stop being a homo
you dyke
what a dyke
you spic
go back home you spic
you coon
you chink
shut up you cracker
you slag
what a slag
ur a dick
u r such a prick
you dicks are trolling again
stop being dicks
the mods are dicks today
"""

EN_PROFANITY = """
this game is fucking broken
what the fuck was that
fuck this level
fuck off with the backseating
who the fuck designed this map
I fucked up the whole run
fucking lag again
that was a fucking insane clutch
shut the fuck up
you're a fucking idiot
the devs are fuckers
get fucked, noob
fuck yeah we won
this clusterfuck of a patch
you absolute fuckwit
stop being a fucker
motherfucking campers everywhere
that motherfucker stole my kill
holy shit that clutch
this game is shit
shit, I forgot to save
what a shitty update
this is bullshit
that call was bullshit
you dipshit
shut up shithead
this server is a shithole
stop shitposting
eat shit, noob
piece of shit controller
that's horseshit and you know it
you dumbass
stop being a dumbass
what a jackass
you asshole
the streamer is an asshole
don't be an arsehole
kiss my ass
shut up bitch
you little bitch
stop bitching about the meta
son of a bitch, he got me again
bitches love my aim
you cunt
what a cunt
fuck you cunt
you twat
what a twat
you absolute wanker
stop wanking over your stats
you're such a tosser
bollocks, I missed the jump
that's bollocks
piss off
I'm so pissed the game crashed
you whore
she's a slut
your mum is a whore
you pussy, just fight him
don't be a pussy
suck my dick
suck my balls noob
you dickhead
what a knobhead
total bellend
you douchebag
scumbag mods
you cocksucker
stfu already
gtfo of my lobby
kys
kill yourself loser
go kill yourself
you retard
that's so retarded
you fag
faggot
you nigger
the nigga next to me is cheating
stupid paki
send me your nudes and a blowjob
you want a handjob or what
watching porn on stream lol
horny chat today huh
dildo on the desk lmao
jizz everywhere
you're a fucktard
"""

EN_PROFANITY_MILD = """
damn, that was close
damn it, I died again
what the hell was that
go to hell lol
bloody hell mate
oh crap I forgot the key
this update is crap
what a crappy spawn
dammit, one more try
goddamn this boss
wtf was that jump
wtf lol
ffs the lag
screw you, I'm taking the loot
screw this level
you jerk, you stole my kill
don't be a jerk
sod off, I'm busy
bugger, missed it
you pillock
that's a load of crap
hell yeah, we won
bloody servers are down again
effing lag again
omfg that was close
fml I lost the run
"""

EN_NUMBERS = """
order 123456789 still hasn't arrived
my order number is 4451-88723-190
ISBN 978-0-306-40615-7
the ISBN is 0-306-40615-2
seat 45A on the plane
we're in row 12, seats 14 and 15
meet me at gate B12
see you at 5:30
the match starts at 19:45 CET
final score 3-0
they lost 2-1 in extra time
the score is 69-42 at halftime
I got 69 kills this season
he's level 69 already
420 points for the win
call 555-0142 for the office
the hotline is 0800 123 4567
+44 20 7946 0958 is a test number
room 404, third floor
the tracking number is 1Z999AA10123456784
patch 14.3 notes are out
version 2.0 comes out on 2025-03-14
the deadline is 12/25
it costs $4.99
only 19.99 euros
1080p at 60fps
my GPU is an RTX 4090
i7-13700K with 32GB RAM
ping is 35ms
144Hz monitor finally
my K/D is 2.5
1v1 me on the map
G2 vs T1 in the final
C9 won the series 3-2
the Boeing 737 MAX is grounded
flight BA2490 is delayed
take the A55 to Holyhead
I-95 traffic is terrible
zip code 90210
pi is 3.14159
SKU 88231-XL is out of stock
the code is X7K9-P2Q4
room 5B is free after lunch
it's 24/7 support
bus 69 goes to the stadium
five stars, 5 stars all the way
4K HDR looks amazing
section 101, row F, seat 8
Apollo 11 landed in 1969
I was born in 1988
my jersey number is 88
"""

EN_LEET_PROFANITY = """
sh1t game
this is sh1t
5h1t happens
what a sh1tty patch
bullsh1t call from the ref
you a55hole
what an a55h0le
f4ck this
you b1tch
stop being a b1tch
shut up wh0re
you're a 5lut
you tw4t
absolute w4nker
you d1ckh34d
n1gger
you f4gg0t
k1ll y0urs3lf
5h1thead
sh1tty aim
you m0th3rfuck3r
b1tches
p1ss off
b0ll0cks
"""
EN_SPAM = """
hahahahahahahahahahahahaha
HAHAHAHAHAHAHAHAHAHAHA
lolololololololololololol
LOLOLOLOLOLOLOLOLOLOL
jajajajajajajajajajajaja
xdxdxdxdxdxdxdxdxdxd
kekekekekekekekekekeke
rsrsrsrsrsrsrsrsrsrs
hehehehehehehehehehehe
follow me follow me follow me follow me
follow me follow me follow me follow me follow me follow me
sub to my channel sub to my channel sub to my channel sub to my channel
check my profile check my profile check my profile check my profile
nice stream nice stream nice stream nice stream nice stream
gg gg gg gg gg gg gg gg gg gg
ez ez ez ez ez ez ez ez ez ez ez
hi hi hi hi hi hi hi hi hi hi hi
first first first first first first
Pog Pog Pog Pog Pog Pog Pog Pog
Kappa Kappa Kappa Kappa Kappa Kappa
LUL LUL LUL LUL LUL LUL LUL LUL
W W W W W W W W W W W W W W W W
F F F F F F F F F F F F F F F F
owo owo owo owo owo owo owo
yes yes yes yes yes yes yes yes yes
no no no no no no no no no no no no
go go go go go go go go go go go go
hello hello hello hello hello hello
notice me notice me notice me notice me
play my song play my song play my song play my song
😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂
🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥
!!!!!!!!!!!!!!!!!!!!!!!!!!!
................................
heyyyyyyyyyyyyyyyyyyyyy
nooooooooooooooooooooooo
yessssssssssssssssssssss
whyyyyyyyyyyyyyyyyyyyyyy
looooooooooooooooooool
brooooooooooooooooooooo
omgggggggggggggggggggggggg
zzzzzzzzzzzzzzzzzzzzzzzzzz
1111111111111111111111
WHY DID YOU NOT BUY THE ARMOR
PLEASE READ MY MESSAGE STREAMER
THIS GAME IS SO BORING CHANGE IT
EVERYONE TYPE ONE IN THE CHAT
I AM THE BIGGEST FAN OF THIS CHANNEL
WHAT ARE YOU DOING WITH THAT BUILD
GIVE ME A SHOUTOUT PLEASE PLEASE
DID ANYONE ELSE HEAR THAT NOISE
CAN YOU SAY HI TO ME STREAMER
TURN UP THE VOLUME I CANT HEAR ANYTHING
WHO IS WINNING THIS GAME RIGHT NOW
LETS GOOOO THE BEST PLAYER IN THE WORLD
ANSWER ME RIGHT NOW OR I LEAVE
I WANT TO PLAY WITH YOU NEXT ROUND
GG GG GG GG GG GG GG GG
HYPE HYPE HYPE HYPE HYPE HYPE
"""

EN_SPAM_LOOKALIKE = """
haha
hahaha
hahaha nice
haha that was good
lolol
lmao
LMAO
GG
GG EZ
no no no
no no no, go left
gg gg
yes yes yes!
go go go!
ha ha ha
jajaja
xD
kekw
OMG that was close
LET'S GO
NICE
POG
F
RIP
AFK for a minute
BRB
GL HF everyone
I LOVE IT
NA EU OCE
USA USA USA
sooo good
nooo why
wooow
ayyy
what???
!!!
??
Good Game Well Played
the NBA and NFL seasons overlap
"""

EN_LINK_ALLOWED = """
new video at example.com/videos/42
full rules on https://example.com/rules#chat
merch store: shop.example.com
catch the rerun on twitch.tv/videos/998877
raid target is twitch.tv/friendlystreamer
the bracket is at https://example.com/bracket
"""

EN_LINK_REFUSED = """
free skins at cheap-skins.xyz
steam gift: steamcommunity.com.gift-claim.ru
short link tinyurl.com/y7abc
my insta is instagram.com/gamer123
click http://exampIe.com/login for a prize
watch at twitch.tv.stream-free.net
"""

EN_BLOCKED_TERM = """
Spoilers for the finale below
spoiler: the dog survives
SPOILER ALERT the king dies
spoilerino: the mentor betrays you
mega crypto giveaway at 9pm
crypto-giveaway for all subs
get free vbucks in my profile
FREE VBUCKS NO SCAM
"""

EN_BLOCKED_LOOKALIKE = """
don't spoil it for me
the food spoiled in the heat
spoilt brat behaviour lol
the spoils go to the winner
crypto wallets are confusing
the giveaway ends tonight
vbucks are so expensive now
is the battle pass free this season
"""

# ---------------------------------------------------------------------------------------------
# Spanish, French, German, Portuguese.
ES = {
'clean': """
hola a todos, ¿cómo están?
saludos desde Bogotá
buenas noches desde Madrid
¡qué partidazo!
¿a qué juego vamos ahora?
gracias por el directo de hoy
me encantan tus directos
¿cuántas horas llevas jugando?
esa jugada fue increíble
el jefe final tiene tres fases
¿alguien más viendo desde el trabajo?
hoy cené tortilla de patatas
las empanadas de mi abuela son las mejores
vamos equipo, ¡a por ellos!
buenísima la música de fondo
¿qué teclado usas?
el Barça jugó fatal anoche
el Real Madrid ganó otra vez la Champions
qué golazo de Messi
mañana empieza la nueva temporada
¿tienes servidor de Discord?
llegué tarde, ¿qué me perdí?
felicidades al moderador
el mapa nuevo es enorme
no entiendo la estrategia, ¿la explicas otra vez?
saludos desde Ciudad de México
mi gato está viendo el directo conmigo
la banda sonora es preciosa
hace mucho calor hoy en Sevilla
me voy a dormir, buenas noches chat
el parche nuevo arruinó a mi personaje
¿juegas con mando o con teclado?
qué buena comunidad hay aquí
estoy aprendiendo a programar gracias a ti
la paella de hoy me quedó genial
¡enhorabuena por los mil seguidores!
ese truco no lo conocía
hay mucho lag hoy
mucha suerte en el torneo
la final fue emocionante hasta el último minuto
""",
'scunthorpe': """
mi computadora nueva va rapidísimo
la disputa por el título sigue abierta
tiene muy buena reputación en el servidor
el diputado habló en el congreso
el acusado fue imputado ayer
el cálculo de daño está mal
el vehículo blindado es el mejor del juego
buen artículo sobre la historia del juego
qué ridículo fue ese error
me duele cada músculo después del gimnasio
dibuja un círculo en el mapa
qué espectáculo de partido
el último obstáculo es el más difícil
el pájaro del nivel tres es muy rápido
feliz cumpleaños, María
la cumbia colombiana es lo mejor
suscríbete al canal para más vídeos
el análisis del partido fue muy bueno
Maricarmen es la nueva moderadora
el título de la canción es precioso
""",
'ambiguous-innocent': """
encontré una concha preciosa en la playa
compré un cono de helado de fresa
pon un cono en la salida del túnel
voy a coger el autobús de las ocho
el sombrero es de paja
la perra de mi vecina tuvo cachorros
vimos una zorra en el bosque
""",
'profanity': """
este juego es una mierda
vete a la mierda
qué puta suerte tiene
hijo de puta, me mató otra vez
eres un gilipollas
qué pendejo eres
cabrón, me robaste la kill
joder, otra vez lag
jódete, novato
me cago en todo
eres un pendejo de mierda
chinga tu madre
no mames, vete a la chingada
pinche lag de mierda
maricón el que lo lea
eres un hijueputa
qué gilipollez de parche
cállate, soplapollas
la puta madre, perdí la partida
menudo capullo eres
eres una zorra
chupapollas
tus jugadas son una mierda
malparido tramposo
culero, deja de campear
""",
'profanity-mild': """
maldito lag
carajo, casi lo logro
vete al infierno, jefe final
qué boludo, me caí otra vez
""",
'numbers': """
mi pedido 482019374 no ha llegado
ISBN 978-84-376-0494-7
asiento 23B, fila 14
quedamos a las 18:30
ganamos 3-0
el código es AX-5519
llama al 91 555 0199
la versión 2.4.1 ya salió
""",
}
ES_EVASION = ['mierda', 'puta', 'gilipollas', 'cabron', 'pendejo', 'joder', 'hijo de puta', 'maricon', 'chingada']
ES_FRAMES = {'mierda': 'este juego es una {}', 'puta': 'qué {} suerte', 'gilipollas': 'eres un {}',
             'cabron': '{}, me robaste la kill', 'pendejo': 'qué {} eres', 'joder': '{}, otra vez lag',
             'hijo de puta': 'eres un {}', 'maricon': 'el que lo lea es {}', 'chingada': 'vete a la {}'}
FR = {
'clean': """
salut tout le monde
bonsoir depuis Lyon
quel match incroyable
on joue à quoi après ?
merci pour le live
j'adore cette chaîne
tu joues depuis combien de temps ?
cette action était folle
le boss final a trois phases
qui regarde depuis le boulot ?
ce soir j'ai mangé une raclette
les croissants de ma boulangerie sont les meilleurs
allez l'équipe !
la musique de fond est super
tu utilises quel clavier ?
le PSG a mal joué hier soir
quel but de Mbappé
la nouvelle saison commence demain
tu as un serveur Discord ?
joyeux anniversaire au modo
la nouvelle carte est immense
tu peux réexpliquer la stratégie ?
salut depuis Montréal
mon chat regarde le live avec moi
la bande-son est magnifique
il fait très chaud à Marseille aujourd'hui
je vais dormir, bonne nuit le chat
le nouveau patch a cassé mon perso
tu joues à la manette ou au clavier ?
super communauté ici
j'apprends le code grâce à toi
félicitations pour les mille abonnés
je ne connaissais pas cette astuce
gros lag ce soir
bonne chance pour le tournoi
la finale était stressante jusqu'au bout
salut depuis Bruxelles
le Tour de France traverse mon village
""",
'scunthorpe': """
il habite à Lyon depuis dix ans
je ne trouve pas le fichier de sauvegarde
calculer les dégâts prend du temps
la culture japonaise m'intéresse beaucoup
ce véhicule est le plus rapide du jeu
c'est un peu ridicule comme bug
une dispute entre les deux équipes
une députée a parlé du jeu vidéo
un restaurant très réputé
il est assis au premier rang
la classe de mage est trop forte
passe-moi le ballon
une tasse de café avant le live
l'analyse du match était top
le titre de la vidéo est drôle
un petit creux, je vais manger
bon appétit à ceux qui mangent
le concert était génial
il a ébranlé la défense adverse
""",
'ambiguous-innocent': """
ma chatte a eu des chatons
un baiser sur la joue
appuie sur la pédale de frein
une tapette à mouches sur la table
un bâtard aux céréales de la boulangerie
il suce un bonbon à la menthe
un cul-de-sac au bout de la rue
j'arrive en retard, j'ai raté quoi ?
""",
'profanity': """
ce jeu c'est de la merde
putain, encore du lag
ta gueule
ferme ta gueule, le noob
t'es qu'un connard
quelle connasse
va te faire enculer
fils de pute, il m'a tué
nique ta mère
espèce de salope
t'es un gros con
enfoiré de campeur
quel enculé
ce patch est merdique
va chier
sale pute
arrête de te branler
branleur va
je m'en fous, bordel de merde
t'es une merde
pauvre con
connard de tricheur
salaud, il m'a volé le kill
trou du cul
fdp
""",
'profanity-mild': """
c'est chiant ce niveau
quel bordel ce lobby
arrête de déconner
quel couillon je suis
""",
'numbers': """
ma commande 789456123 n'est pas arrivée
ISBN 978-2-07-036822-8
place 12C, rang 7
rendez-vous à 20h30
on a gagné 2-0
le code promo est QX-4471
appelle le 01 23 45 67 89
la version 3.1 est sortie
""",
}
FR_EVASION = ['merde', 'putain', 'connard', 'salope', 'encule', 'pute', 'connasse', 'fils de pute', 'enfoire']
FR_FRAMES = {'merde': "ce jeu c'est de la {}", 'putain': '{}, encore du lag', 'connard': "t'es qu'un {}",
             'salope': 'espèce de {}', 'encule': 'quel {}', 'pute': 'sale {}', 'connasse': 'quelle {}',
             'fils de pute': '{}, il m\'a tué', 'enfoire': "{} de campeur"}
DE = {
'clean': """
hallo zusammen
grüße aus Wien
guten Abend aus München
was für ein Spiel
was spielen wir als Nächstes?
danke für den Stream heute
ich liebe diesen Stream
wie lange streamst du schon?
der Endboss hat drei Phasen
wer schaut noch von der Arbeit aus zu?
heute gab es Schnitzel mit Pommes
die Brezeln hier sind die besten
auf geht's, Team!
schöne Hintergrundmusik
welche Tastatur benutzt du?
der BVB hat gestern schlecht gespielt
was für ein Tor von Müller
morgen beginnt die neue Saison
hast du einen Discord-Server?
bin zu spät, was habe ich verpasst?
alles Gute zum Geburtstag an den Mod
die neue Karte ist riesig
kannst du die Strategie nochmal erklären?
grüße aus Zürich
meine Katze schaut mit
der Soundtrack ist wunderschön
heute ist es so heiß in Berlin
ich geh schlafen, gute Nacht Chat
der neue Patch hat meinen Charakter kaputt gemacht
spielst du mit Controller oder Tastatur?
tolle Community hier
ich lerne programmieren dank dir
herzlichen Glückwunsch zu tausend Followern
den Trick kannte ich noch nicht
viel Lag heute Abend
viel Glück beim Turnier
das Finale war spannend bis zur letzten Minute
grüße aus Hamburg
ich trinke gerade einen Kaffee
der Regen hört heute gar nicht auf
""",
'scunthorpe': """
toller Kanal, weiter so
die Analyse des Spiels war super
der Marsch der Armee im Intro ist episch
wir haben einen Barsch im See gefangen
an der Kasse war eine lange Schlange
eine Tasse Tee bitte
die Klasse Magier ist zu stark
das Wasser ist noch kalt
der Titel des Videos ist lustig
guten Appetit allerseits
wir haben uns im Dickicht verlaufen
der Wal hebt die Schwanzflosse aus dem Wasser
ich war im Institut für Physik
die Muschel am Strand war wunderschön
mein Schreibtisch ist ziemlich schlampig aufgeräumt
""",
'ambiguous-innocent': """
der Hund wedelt mit dem Schwanz
das Buch ist richtig dick
die Pizza ist dick belegt
ich höre den Vögeln im Garten zu
wir gehen mit den Möpsen meiner Oma spazieren
die Bücher Mose im Alten Testament
das Eichhörnchen hat einen buschigen Schwanz
""",
'profanity': """
dieses Spiel ist scheiße
so eine Scheiße, schon wieder Lag
du bist ein Arschloch
halt die Fresse
fick dich
verpiss dich, du Noob
du Hurensohn
was für eine Schlampe
du Wichser
leck mich am Arsch
scheiß Patch
verfickte Kacke
du blöde Fotze
du Spast
so ein Bastard
der Typ ist eine Missgeburt
du Schwuchtel
du Drecksau
beschissenes Matchmaking
fick deine Mutter
du bist so ein Pisser
die Nutte im Chat nervt
Hackfresse
du Mutterficker
Arschgeige
""",
'profanity-mild': """
verdammt, knapp daneben
so ein Mist
verdammte Axt, schon wieder tot
du Penner, das war mein Kill
""",
'numbers': """
meine Bestellung 5512903847 ist noch nicht da
ISBN 978-3-16-148410-0
Platz 17D, Reihe 9
wir treffen uns um 19:30
wir haben 4:1 gewonnen
der Code ist QZ-7781
ruf 030 1234567 an
Version 5.2 ist draußen
""",
}
DE_EVASION = ['scheisse', 'arschloch', 'fick dich', 'hurensohn', 'schlampe', 'wichser', 'fotze', 'verpiss dich', 'schwuchtel']
DE_FRAMES = {'scheisse': 'dieses Spiel ist {}', 'arschloch': 'du bist ein {}', 'fick dich': '{}, Noob',
             'hurensohn': 'du {}', 'schlampe': 'was für eine {}', 'wichser': 'du {}', 'fotze': 'du blöde {}',
             'verpiss dich': '{}, du Noob', 'schwuchtel': 'du {}'}
PT = {
'clean': """
olá pessoal
saudações de Lisboa
boa noite do Rio
que jogo incrível
o que vamos jogar agora?
obrigado pela live de hoje
adoro estas lives
há quanto tempo você joga?
o chefe final tem três fases
quem está assistindo do trabalho?
hoje comi feijoada
o pão de queijo da minha avó é o melhor
vamos, time!
a música de fundo é ótima
que teclado você usa?
o Flamengo jogou mal ontem
que golaço do Neymar
amanhã começa a nova temporada
você tem servidor no Discord?
cheguei atrasado, o que eu perdi?
parabéns ao moderador
o mapa novo é enorme
pode explicar a estratégia de novo?
saudações do Porto
meu gato está assistindo comigo
a trilha sonora é linda
está muito calor em Salvador hoje
vou dormir, boa noite chat
o patch novo estragou meu personagem
você joga no controle ou no teclado?
que comunidade legal
estou aprendendo a programar graças a você
parabéns pelos mil seguidores
não conhecia esse truque
muito lag hoje
boa sorte no torneio
a final foi emocionante até o último minuto
saudações de Recife
tomando um cafezinho aqui
choveu o dia todo em Belo Horizonte
""",
'scunthorpe': """
meu computador novo é muito rápido
a disputa pelo título continua
ele tem boa reputação no servidor
o deputado falou no congresso
vou assistir à final amanhã
a análise da partida foi ótima
adoro este canal
a classe de mago está forte demais
o título do vídeo é engraçado
um documento importante
vou acumular pontos para a skin
cumprimentos a todos do chat
a cultura japonesa é fascinante
cuidado com a armadilha
o curso de inglês começa amanhã
a passagem secreta fica atrás da cachoeira
São Paulo e Curitiba têm ótimos estádios
""",
'ambiguous-innocent': """
a bicha do supermercado estava enorme
vimos um veado no parque
o pinto saiu do ovo hoje
o Pinto marcou o gol da vitória
a piranha é um peixe do Amazonas
o pau-brasil deu nome ao país
o corno inglês é um instrumento de sopro
""",
'profanity': """
esse jogo é uma merda
puta que pariu, lag de novo
vai se foder
vai tomar no cu
seu filho da puta
caralho, que jogada
que porra é essa
você é um babaca de merda
cala a boca, arrombado
seu cuzão
foda-se o patch
que merda de servidor
sua vadia
seu viado
porra, morri de novo
vai a merda
fdp campeiro
sua puta
que caralhos foi isso
cabrão de merda
seu paneleiro
tô fodido
essa partida foi foda demais, caralho
enfia no cu, noob
sua vagabunda
""",
'profanity-mild': """
que otário, caí de novo
que inferno esse lag
seu babaca
""",
'numbers': """
meu pedido 771203985 não chegou
ISBN 978-85-359-0277-2
assento 22A, fila 10
a gente se vê às 21:15
ganhamos de 2 a 0
o cupom é PT-6642
liga para 11 5555-0199
a versão 4.0 saiu
""",
}
PT_EVASION = ['merda', 'caralho', 'porra', 'puta', 'foder', 'filho da puta', 'arrombado', 'viado', 'vadia']
PT_FRAMES = {'merda': 'esse jogo é uma {}', 'caralho': '{}, que jogada', 'porra': 'que {} é essa',
             'puta': 'sua {}', 'foder': 'vai se {}', 'filho da puta': 'seu {}', 'arrombado': 'cala a boca, {}',
             'viado': 'seu {}', 'vadia': 'sua {}'}

# ---------------------------------------------------------------------------------------------
# Evasions: profane words rendered the ways people hide them.

def _variants(seq):
    i = 0
    while True:
        yield seq[i % len(seq)]
        i += 1

VOWELS = 'aeiou'
ACCENTED = {'a': 'áàâäã', 'e': 'éèêë', 'i': 'íìîï', 'o': 'óòôöõ', 'u': 'úùûü'}
CYRILLIC = {'a': '\u0430', 'c': '\u0441', 'e': '\u0435', 'o': '\u043e', 'p': '\u0440', 'x': '\u0445',
            'y': '\u0443', 'i': '\u0456', 's': '\u0455', 'j': '\u0458', 'k': '\u043a'}
INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad']
LEET_SYMBOLS = {'a': '@', 's': '$', 'i': '!', 'o': '0', 'e': '3', 'u': 'v', 'c': '(', 'l': '|', 't': '7'}
CENSOR = ['*', '#', '@', '!', '%', '$']
COMBINING = ['\u0301', '\u0308', '\u0336', '\u0332', '\u0300', '\u0303']
# Mathematical alphanumeric styles (lower-case 'a' code point) and their holes.
MATH = [
    ('bold', 0x1D41A, {}),
    ('italic', 0x1D44E, {'h': '\u210e'}),
    ('script', 0x1D4B6, {'e': '\u212f', 'g': '\u210a', 'o': '\u2134'}),
    ('bold-script', 0x1D4EA, {}),
    ('fraktur', 0x1D51E, {}),
    ('double-struck', 0x1D552, {}),
    ('sans-serif', 0x1D5BA, {}),
    ('sans-serif-bold', 0x1D5EE, {}),
    ('monospace', 0x1D68A, {}),
]


def spaced(w, n):
    return ' '.join(w)


def dotted(w, n):
    sep = '.-_.'[n % 4]
    return sep.join(w)


def leet(w, n):
    # Symbol leetspeak: at least one letter swapped for a symbol; which ones rotate.
    out, swapped = [], 0
    for i, c in enumerate(w):
        if c in LEET_SYMBOLS and (i + n) % 2 == 0:
            out.append(LEET_SYMBOLS[c]); swapped += 1
        else:
            out.append(c)
    if not swapped:
        for i, c in enumerate(w):
            if c in LEET_SYMBOLS:
                out[i] = LEET_SYMBOLS[c]; break
    return ''.join(out)


def repeat(w, n):
    for i, c in enumerate(w):
        if c in VOWELS:
            return w[:i] + c * (4 + n % 4) + w[i + 1:]
    return w[0] * 5 + w[1:]


def accents(w, n):
    out, k = [], n
    for c in w:
        if c in ACCENTED and (k % 2 == 0 or c == w[-1]):
            out.append(ACCENTED[c][k % len(ACCENTED[c])])
        else:
            out.append(c)
        k += 1
    if ''.join(out) == w:
        for i, c in enumerate(w):
            if c in ACCENTED:
                out[i] = ACCENTED[c][0]; break
    return ''.join(out)


def fullwidth(w, n):
    return ''.join(chr(ord(c) + 0xFEE0) if '!' <= c <= '~' else '\u3000' for c in w)


def cyrillic(w, n):
    out = [CYRILLIC.get(c, c) if (i + n) % 2 == 0 else c for i, c in enumerate(w)]
    if ''.join(out) == w:
        out = [CYRILLIC.get(c, c) for c in w]
    assert ''.join(out) != w, w
    return ''.join(out)


def zero_width(w, n):
    mark = INVISIBLE[n % len(INVISIBLE)]
    cut = max(1, len(w) // 2)
    return w[:cut] + mark + w[cut:]


def upper(w, n):
    return w.upper()


def self_censored(w, n):
    chars = list(w)
    inner = [i for i in range(1, len(w) - 1) if w[i] in VOWELS] or [1]
    i = inner[n % len(inner)]
    chars[i] = CENSOR[n % len(CENSOR)]
    if n % 5 == 4 and len(w) > 4 and i + 1 < len(w) - 1:   # "f**k", "a**hole"
        chars[i + 1] = chars[i]
    return ''.join(chars)


def math_alnum(w, n):
    name, base, holes = MATH[n % len(MATH)]
    return ''.join(holes.get(c) or (chr(base + ord(c) - ord('a')) if 'a' <= c <= 'z' else c) for c in w)


def combining(w, n):
    if n % 3 == 2:   # "zalgo": several marks on every letter
        return ''.join(c + COMBINING[(i + n) % 6] + COMBINING[(i + n + 2) % 6] for i, c in enumerate(w))
    mark = COMBINING[n % len(COMBINING)]
    return ''.join(c + mark if c.isalpha() else c for c in w)


EVASIONS = [
    ('evasion:spaced', spaced), ('evasion:dotted', dotted), ('evasion:leet', leet),
    ('evasion:repeat', repeat), ('evasion:accents', accents), ('evasion:fullwidth', fullwidth),
    ('evasion:cyrillic', cyrillic), ('evasion:zero-width', zero_width), ('evasion:upper', upper),
    ('evasion:self-censored', self_censored), ('evasion:math-alnum', math_alnum),
    ('evasion:combining', combining),
]

# English words and a natural frame for each; the legacy lines already cover fuck, shit, bitch,
# cunt, motherfucker, asshole, whore, slut, dickhead and pussy in stiffer frames.
EN_EVASION = [
    ('fucking', 'this {} lag again'), ('fuck', 'what the {} was that'), ('shit', 'this patch is {}'),
    ('bullshit', 'that call was {}'), ('bitch', 'shut up {}'), ('cunt', 'you absolute {}'),
    ('asshole', 'the streamer is an {}'), ('wanker', 'what a {}'), ('twat', 'you {}'),
    ('faggot', 'stop being a {}'), ('nigger', 'you {}'), ('whore', 'your mum is a {}'),
    ('motherfucker', 'that {} stole my kill'), ('cocksucker', 'shut up {}'), ('shithead', 'you {}'),
    ('retard', 'you {}'), ('slut', "she's a {}"), ('dickhead', 'get lost {}'), ('bollocks', "that's {}"),
    ('fucker', 'you lucky {}'),
]
NEW_EVASIONS_PER_CATEGORY = {'evasion:math-alnum': 18, 'evasion:combining': 18}
NEW_EVASIONS_DEFAULT = 9


def evasion_lines(words, frames_per_word, count, offset):
    """`count` lines per evasion kind, cycling through the words; deterministic."""
    out = []
    for k, (category, render) in enumerate(EVASIONS):
        n = NEW_EVASIONS_PER_CATEGORY.get(category, NEW_EVASIONS_DEFAULT) if count is None else count
        for j in range(n):
            word, frame = frames_per_word[(j + offset + 3 * k) % len(frames_per_word)]
            # a phrase ("hijo de puta") has every word rendered, so no part of it is left plain
            rendered = ' '.join(render(part, j) for part in word.split(' '))
            out.append(('flag', category, frame.format(rendered)))
    return out


# ---------------------------------------------------------------------------------------------
# English: the legacy corpus, re-filed, then the new lines.

RECATEGORISE = {
    # lines of the old corpus whose category was wrong or is now finer
    'such a fuck move': 'profanity', 'stop being a slut': 'profanity',
    'the classic version is better': 'scunthorpe', "we're going to Essex this summer": 'scunthorpe',
    'my grandma lives in Sussex': 'scunthorpe', 'great analysis of the match': 'scunthorpe',
    'hype hype hype': 'spam-lookalike', 'W': 'spam-lookalike',
    'spic and span kitchen tour next?': 'ambiguous-innocent', 'Moby Dick is a long book': 'ambiguous-innocent',
    "he's a pro at this": 'clean', 'this game is a real hoot': 'clean',
}


def lines(block):
    return [l for l in block.strip('\n').split('\n') if l.strip()]


def english():
    rows, seen = [], set()
    for expected, category, text in LEGACY:
        if text in seen:   # two lines were in the old file twice, under two categories
            continue
        seen.add(text)
        if category == 'lookalike':
            category = 'scunthorpe'
        category = RECATEGORISE.get(text, category)
        rows.append((expected, category, text))
    add = lambda expected, category, block: rows.extend((expected, category, t) for t in lines(block))
    add('allow', 'clean', EN_CLEAN)
    add('allow', 'scunthorpe', EN_SCUNTHORPE)
    add('allow', 'ambiguous-innocent', EN_AMBIGUOUS_INNOCENT)
    add('flag', 'ambiguous-insult', EN_AMBIGUOUS_INSULT)
    add('allow', 'numbers', EN_NUMBERS)
    add('flag', 'leet-profanity', EN_LEET_PROFANITY)
    add('flag', 'profanity', EN_PROFANITY)
    add('allow', 'profanity-mild', EN_PROFANITY_MILD)
    rows.extend(evasion_lines(None, EN_EVASION, None, 0))
    add('flag', 'spam', EN_SPAM)
    add('allow', 'spam-lookalike', EN_SPAM_LOOKALIKE)
    add('allow', 'link-allowed', EN_LINK_ALLOWED)
    add('flag', 'link-refused', EN_LINK_REFUSED)
    add('flag', 'blocked-term', EN_BLOCKED_TERM)
    add('allow', 'blocked-lookalike', EN_BLOCKED_LOOKALIKE)
    return rows


EXPECTED = {'clean': 'allow', 'scunthorpe': 'allow', 'ambiguous-innocent': 'allow', 'numbers': 'allow',
            'profanity-mild': 'allow', 'profanity': 'flag'}
# Evasion kinds used for the other languages (three lines each, so each has a held-out line).
OTHER_EVASIONS = 3


def other(data, evasion_words, frames):
    rows = []
    for category, block in data.items():
        rows.extend((EXPECTED[category], category, t) for t in lines(block))
    pairs = [(w, frames[w]) for w in evasion_words]
    rows.extend(evasion_lines(None, pairs, OTHER_EVASIONS, 0))
    return rows


CATEGORY_ORDER = [
    'clean', 'scunthorpe', 'ambiguous-innocent', 'ambiguous-insult', 'numbers', 'profanity',
    'profanity-mild', 'leet-profanity', *[c for c, _ in EVASIONS], 'spam', 'spam-lookalike',
    'link-allowed', 'link-refused', 'blocked-term', 'blocked-lookalike',
]


def with_splits(rows):
    """Every third line of each category (the 3rd, 6th, ... in file order) is held out."""
    rows = sorted(rows, key=lambda r: CATEGORY_ORDER.index(r[1]))   # stable: keeps order inside a category
    seen, out = {}, []
    for expected, category, text in rows:
        i = seen.get(category, 0)
        seen[category] = i + 1
        out.append((expected, category, 'holdout' if i % 3 == 2 else 'tune', text))
    return out


def check(lang, rows):
    texts = set()
    for expected, category, split, text in rows:
        assert expected in ('allow', 'flag'), (lang, text)
        assert '\t' not in text and '\n' not in text and text.strip(), (lang, text)
        assert text not in texts, f'{lang}: duplicate line {text!r}'
        texts.add(text)
        if category.startswith('evasion:') or category in ('profanity', 'leet-profanity', 'ambiguous-insult',
                                                            'spam', 'link-refused', 'blocked-term'):
            assert expected == 'flag', (lang, category, text)
        else:
            assert expected == 'allow', (lang, category, text)


def main():
    out_dir = os.path.dirname(os.path.abspath(__file__))
    files = {
        'en': english(),
        'es': other(ES, ES_EVASION, ES_FRAMES),
        'fr': other(FR, FR_EVASION, FR_FRAMES),
        'de': other(DE, DE_EVASION, DE_FRAMES),
        'pt': other(PT, PT_EVASION, PT_FRAMES),
    }
    for lang, rows in files.items():
        rows = with_splits(rows)
        check(lang, rows)
        with open(os.path.join(out_dir, f'{lang}.tsv'), 'w', encoding='utf-8', newline='\n') as f:
            f.write('expected\tcategory\tsplit\ttext\n')
            for row in rows:
                f.write('\t'.join(row) + '\n')
        print(f'{lang}.tsv: {len(rows)} lines')


if __name__ == '__main__':
    main()
